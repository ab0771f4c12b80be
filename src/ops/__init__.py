"""The CLIs the workflows call, which run the same on a laptop: the dress rehearsal of the
deploy against moto (``churn-rehearse``), the Terraform plan comment
(``churn-plan-comment``), the model-version bump (``churn-bump-model``), the ECS training
launcher (``churn-launch-training``) and the post-deploy smoke test (``churn-smoke``)."""
