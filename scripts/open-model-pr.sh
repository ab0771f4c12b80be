#!/usr/bin/env bash
# Commits the model-version bump churn-bump-model made on a new branch, pushes it and opens
# the pull request whose body is the champion/challenger table. Needs git, gh and GH_TOKEN.
set -euo pipefail

bundle="${1:?usage: open-model-pr.sh <bundle-uri> <body.md>}"
body="${2:?usage: open-model-pr.sh <bundle-uri> <body.md>}"
version="${bundle##*/}"
branch="retrain/$version"
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"

git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git switch --create "$branch"
git add terraform/platform/model.auto.tfvars
git commit --message "Serve model $version" --message "Trained from $bundle by the retrain workflow."
# The checkout kept no credentials; the token is used for this one push only.
git push "https://x-access-token:${GH_TOKEN}@github.com/$repo.git" "HEAD:refs/heads/$branch"
gh pr create --repo "$repo" --base main --head "$branch" --title "Serve model $version" --body-file "$body"
