"""The CLIs the workflows call, which run the same on a laptop: plan and apply of one
Terraform root (``churn-stack``), the images (``churn-push-images``), the Terraform plan
comment (``churn-plan-comment``) and GitHub's REST calls (``churn-github``), the
model-version bump (``churn-bump-model``), the ECS training launcher
(``churn-launch-training``), the post-deploy smoke test (``churn-smoke``) and the data
set's pinned download (``churn-fetch-data``)."""
