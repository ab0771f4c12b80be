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
