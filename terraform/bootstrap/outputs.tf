output "state_bucket" {
  description = "Name of the state bucket, for the other roots' backend.tf."
  value       = module.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket, for IAM policies (the CI identity reads and writes state)."
  value       = module.state.arn
}

output "state_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the state."
  value       = module.state.kms_key_arn
}
