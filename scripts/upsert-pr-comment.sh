#!/usr/bin/env bash
# Creates the Terraform plan comment on a pull request, or updates it in place when one
# (recognised by the renderer's marker line) exists. Needs gh and GH_TOKEN.
set -euo pipefail

pr="${1:?usage: upsert-pr-comment.sh <pr-number> <comment.md>}"
body="${2:?usage: upsert-pr-comment.sh <pr-number> <comment.md>}"
marker=$(head -n 1 "$body")
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"

existing=$(gh api --paginate "repos/$repo/issues/$pr/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$repo/issues/comments/$existing" -F "body=@$body" >/dev/null
  echo "upsert-pr-comment: updated comment $existing"
else
  gh api --method POST "repos/$repo/issues/$pr/comments" -F "body=@$body" >/dev/null
  echo "upsert-pr-comment: created the comment"
fi
