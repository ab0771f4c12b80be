output "arn" {
  description = "ARN of the task definition's current revision."
  value       = aws_ecs_task_definition.this.arn
}

output "family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the UI container."
  value       = var.container_name
}

output "container_port" {
  description = "Port of the UI container."
  value       = var.container_port
}

output "log_group_name" {
  description = "Log group of the UI."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the UI's log group."
  value       = aws_cloudwatch_log_group.this.arn
}
