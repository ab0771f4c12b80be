output "arn" {
  description = "ARN of the boundary policy: every role the deploy role creates must carry it (permissions_boundary)."
  value       = aws_iam_policy.this.arn
}

output "name" {
  description = "Name of the boundary policy (<prefix>workload-boundary): the platform finds it by this name."
  value       = aws_iam_policy.this.name
}
