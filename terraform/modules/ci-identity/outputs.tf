output "role_arn" {
  description = "ARN of the ml-engineer role, for aws-actions/configure-aws-credentials' role-to-assume (null in staging's own account)."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "policy_arn" {
  description = "ARN of the ml-engineer policy (null in staging's own account)."
  value       = try(aws_iam_policy.this[0].arn, null)
}

output "static_access_key_id" {
  description = "Access key id of the static user (null unless enable_static_user)."
  value       = try(aws_iam_access_key.static[0].id, null)
  sensitive   = true
}

output "static_secret_access_key" {
  description = "Secret of the static user's key (null unless enable_static_user)."
  value       = try(aws_iam_access_key.static[0].secret, null)
  sensitive   = true
}

output "plan_role_arn" {
  description = "ARN of the read-only role plans assume (secret AWS_PLAN_ROLE_ARN; in staging's own account, AWS_STAGING_PLAN_ROLE_ARN)."
  value       = aws_iam_role.plan.arn
}

output "deploy_role_arn" {
  description = "ARN of the role production deploys apply Terraform with (secret AWS_DEPLOY_ROLE_ARN; null in staging's own account)."
  value       = try(aws_iam_role.deploy["production"].arn, null)
}

output "staging_deploy_role_arn" {
  description = "ARN of the role staging deploys apply Terraform with (secret AWS_STAGING_DEPLOY_ROLE_ARN; null unless staging)."
  value       = try(aws_iam_role.deploy["staging"].arn, null)
}

output "deploy_role_names" {
  description = "Each environment's deploy role, by environment."
  value       = { for env, role in aws_iam_role.deploy : env => role.name }
}

output "deploy_policy_names" {
  description = "The deploy roles' own managed policies (what only an administrator changes)."
  value       = concat([for policy in aws_iam_policy.deploy : policy.name], [for policy in aws_iam_policy.deploy_iam : policy.name], [for policy in aws_iam_policy.deploy_fence : policy.name])
}
