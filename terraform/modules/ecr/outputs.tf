output "repository_urls" {
  description = "Repository URL per image name, e.g. { api = \"<account>.dkr.ecr.<region>.amazonaws.com/teleco-customer-churn-api\" }."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.repository_url }
}

output "repository_arns" {
  description = "Repository ARN per image name, for push and pull policies."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.arn }
}
