output "name" {
  description = "Name of the service."
  value       = aws_ecs_service.this.name
}

output "id" {
  description = "ARN of the service."
  value       = aws_ecs_service.this.id
}
