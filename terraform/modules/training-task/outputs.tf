output "cluster_arn" {
  description = "ARN of the training cluster (ecs:RunTask's cluster)."
  value       = aws_ecs_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the training cluster."
  value       = aws_ecs_cluster.this.name
}

output "task_definition_arn" {
  description = "ARN of the current revision of the training task definition."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the training task definition (RunTask runs its newest revision)."
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the training container, for command overrides."
  value       = local.container
}

output "log_group_name" {
  description = "CloudWatch log group the training task writes to."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the training log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "role_arns" {
  description = "ARNs of the execution and task roles; whoever starts the task needs iam:PassRole on both."
  value       = [aws_iam_role.execution.arn, aws_iam_role.task.arn]
}
