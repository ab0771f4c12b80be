output "endpoint_name" {
  description = "Name of the endpoint (the API's CHURN_SAGEMAKER_ENDPOINT)."
  value       = aws_sagemaker_endpoint.this.name
}

output "endpoint_arn" {
  description = "ARN of the endpoint, for the invoke policy."
  value       = aws_sagemaker_endpoint.this.arn
}

output "model_name" {
  description = "Name of the SageMaker model serving the current bundle."
  value       = aws_sagemaker_model.this.name
}

output "image" {
  description = "The prebuilt serving image (registry path with tag)."
  value       = data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path
}

output "image_repository_arn" {
  description = "ARN of the AWS-owned repository holding the serving image (the execution role pulls from it)."
  value       = "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.name}:${data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_id}:repository/sagemaker-xgboost"
}
