output "bucket_name" {
  description = "Bucket of the model bundles (models/<version>/) and training data (data/): the repository variable MODEL_BUCKET."
  value       = module.models.id
}

output "bucket_arn" {
  description = "ARN of the model bucket."
  value       = module.models.arn
}

output "model_kms_key_arn" {
  description = "KMS key of the model bucket (readers need kms:Decrypt)."
  value       = module.models.kms_key_arn
}

output "repository_urls" {
  description = "ECR repository URL per image (training, api, ui)."
  value       = module.ecr.repository_urls
}

output "training_cluster" {
  description = "ECS cluster the training task runs in."
  value       = module.training_task.cluster_name
}

output "training_task_family" {
  description = "Task definition family of the training job (its container is named training)."
  value       = module.training_task.task_definition_family
}

output "training_log_group" {
  description = "CloudWatch log group of the training task."
  value       = module.training_task.log_group_name
}

output "ml_engineer_role_arn" {
  description = "Role the train, image and smoke-test jobs assume: the repository secret AWS_ROLE_ARN."
  value       = module.ci_identity.role_arn
  # Kept as repository secrets: GitHub drops any job output that holds a secret's value.
  sensitive = true
}

output "terraform_plan_role_arn" {
  description = "Read-only role every plan job assumes (pull requests and deploys): the repository secret AWS_PLAN_ROLE_ARN."
  value       = module.ci_identity.plan_role_arn
  # Kept as repository secrets: GitHub drops any job output that holds a secret's value.
  sensitive = true
}

output "staging_deploy_role_arn" {
  description = "Role staging's apply job (environment staging) assumes: the repository secret AWS_STAGING_DEPLOY_ROLE_ARN (null unless enable_staging)."
  value       = module.ci_identity.staging_deploy_role_arn
  sensitive   = true # as the production one
}

output "staging_account_inputs" {
  description = "With staging_account_id: what terraform/staging-account needs from this account (its terraform.tfvars), null otherwise."
  value = local.staging_elsewhere ? {
    artifacts_account_id = data.aws_caller_identity.current.account_id
    model_kms_key_arn    = module.models.kms_key_arn
    state_kms_key_arn    = data.aws_kms_alias.state.target_key_arn
  } : null
}

output "terraform_deploy_role_arn" {
  description = "Role the deploy's apply job (environment production) assumes: the repository secret AWS_DEPLOY_ROLE_ARN."
  value       = module.ci_identity.deploy_role_arn
  # Kept as repository secrets: GitHub drops any job output that holds a secret's value.
  sensitive = true
}

output "ml_engineer_access_key_id" {
  description = "Key id of the static ml-engineer user (null unless enable_static_ci_user): the secret AWS_ACCESS_KEY_ID of the static-key fallback."
  value       = module.ci_identity.static_access_key_id
  sensitive   = true
}

output "ml_engineer_secret_access_key" {
  description = "Secret of the static ml-engineer user's key (null unless enable_static_ci_user): the secret AWS_SECRET_ACCESS_KEY of the static-key fallback."
  value       = module.ci_identity.static_secret_access_key
  sensitive   = true
}

output "training_image_digest" {
  description = "Digest of the training image the task runs: pull-request plans keep it."
  value       = terraform_data.release.output
}

output "batch_scoring_role_arn" {
  description = "Role the scoring runs' transform jobs assume: the repository variable SCORING_ROLE_ARN (churn-score --role-arn)."
  value       = module.batch_scoring.role_arn
}

output "xgboost_image" {
  description = "SageMaker's prebuilt XGBoost image of the region: the repository variable XGBOOST_IMAGE (churn-score --image)."
  value       = module.batch_scoring.image
}
