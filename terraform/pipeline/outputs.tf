output "model_bucket" {
  description = "Bucket of the model bundles; bundles live under models/<version>/."
  value       = module.models.id
}

output "model_bucket_arn" {
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
  description = "Role the workflows assume (repository variable AWS_ROLE_ARN)."
  value       = module.ci_identity.role_arn
}

output "terraform_plan_role_arn" {
  description = "Read-only role of pull-request plans (secret AWS_PLAN_ROLE_ARN)."
  value       = module.ci_identity.plan_role_arn
}

output "terraform_deploy_role_arn" {
  description = "Role production deploys apply Terraform with (secret AWS_DEPLOY_ROLE_ARN)."
  value       = module.ci_identity.deploy_role_arn
}

output "ml_engineer_static_access_key_id" {
  description = "Static key id of the fallback user (null unless enable_static_ci_user)."
  value       = module.ci_identity.static_access_key_id
  sensitive   = true
}

output "ml_engineer_static_secret_access_key" {
  description = "Static secret of the fallback user (null unless enable_static_ci_user)."
  value       = module.ci_identity.static_secret_access_key
  sensitive   = true
}
