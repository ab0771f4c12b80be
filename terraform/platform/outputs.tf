output "ui_url" {
  description = "Where people open the UI."
  value       = module.alb.url
}

output "api_endpoint" {
  description = "Base URL of the prediction API (append /v1/...; requests must be SigV4-signed)."
  value       = module.api_gateway.api_endpoint
}

output "api_invoke_url" {
  description = "URL of the API's v1 stage."
  value       = module.api_gateway.invoke_url
}

output "smoke_test_role_arn" {
  description = "Role the deploy's smoke test assumes (as ml-engineer) to POST /v1/predictions to this API and no other."
  value       = module.iam.smoke_test_role_arn
}

output "sagemaker_endpoint_name" {
  description = "Name of the SageMaker serverless endpoint."
  value       = module.sagemaker_endpoint.endpoint_name
}

output "lambda_function_name" {
  description = "Name of the API's Lambda."
  value       = module.lambda.function_name
}

output "model_version" {
  description = "Version of the bundle being served."
  value       = terraform_data.release.output.model_version
}

output "release_id" {
  description = "The release being served: pull-request plans keep it."
  value       = terraform_data.release.output.release_id
}

output "image_digests" {
  description = "Digests of the API and UI images being served: pull-request plans keep them."
  value       = terraform_data.release.output.image_digests
}

output "ecs_cluster_name" {
  description = "Name of the UI's ECS cluster."
  value       = module.ecs.name
}

output "ecs_service_name" {
  description = "Name of the UI's ECS service."
  value       = module.ui_service.name
}

output "private_subnet_ids" {
  description = "Private subnets (the training task runs there too)."
  value       = module.vpc.private_subnet_ids
}

output "training_security_group_id" {
  description = "Security group for the pipeline's training task."
  value       = module.training_security_group.id
}

output "role_names" {
  description = "The platform's service roles by purpose."
  value       = module.iam.role_names
}

output "log_read_policy_arn" {
  description = "ARN of the <prefix>read-logs policy to attach to operators (null unless create_log_read_policy)."
  value       = module.iam.log_read_policy_arn
}

output "model_bucket" {
  description = "The bucket the platform serves bundles from and whose releases/ log records its deploys (the pipeline's; production's for staging)."
  value       = local.model_bucket
}
