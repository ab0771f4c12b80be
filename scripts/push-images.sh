#!/usr/bin/env bash
# Builds the three deployable images and pushes them to the pipeline's ECR repositories,
# tagged with the given tag (the commit SHA; tags are immutable). Needs Docker and AWS
# credentials allowed to push (the ml-engineer role). NAME_PREFIX and AWS_REGION may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

tag="${1:?usage: push-images.sh <tag>  (the commit SHA)}"
prefix="${NAME_PREFIX:-teleco-customer-churn-}"
region="${AWS_REGION:-eu-central-1}"
account=$(aws sts get-caller-identity --query Account --output text)
registry="$account.dkr.ecr.$region.amazonaws.com"

aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
for image in training:src/train/Dockerfile api:src/api/Dockerfile ui:src/ui/Dockerfile; do
  name="${image%%:*}"
  dockerfile="${image#*:}"
  target="$registry/$prefix$name:$tag"
  echo "push-images: $target"
  # The Lambda runtime accepts only single-platform images in Docker's v2 manifest format.
  docker build --platform linux/amd64 --provenance=false --build-arg "GIT_COMMIT=$tag" \
    -f "$dockerfile" -t "$target" .
  docker push "$target"
done
