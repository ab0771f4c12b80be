output "staging_plan_role_arn" {
  description = "Role staging's plan jobs assume: the repository secret AWS_STAGING_PLAN_ROLE_ARN."
  value       = module.ci_identity.plan_role_arn
  sensitive   = true # kept as a repository secret: GitHub drops a job output holding one
}

output "staging_deploy_role_arn" {
  description = "Role staging's apply job (environment staging) assumes: the repository secret AWS_STAGING_DEPLOY_ROLE_ARN."
  value       = module.ci_identity.staging_deploy_role_arn
  sensitive   = true
}

output "workload_boundary_arn" {
  description = "The permissions boundary every role of staging's platform carries."
  value       = module.workload_boundary.arn
}
