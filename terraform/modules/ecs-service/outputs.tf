output "name" {
  description = "Name of the service."
  value       = aws_ecs_service.this.name
}

output "id" {
  description = "ARN of the service."
  value       = aws_ecs_service.this.id
}

output "scheduled_actions" {
  description = "Names of the scheduled actions that start and stop the service (empty without a schedule)."
  value       = { for key, action in aws_appautoscaling_scheduled_action.this : key => action.name }
}

output "scheduled_action_bounds" {
  description = "Tasks each scheduled action sets as both min and max (empty without a schedule)."
  value       = { for key, action in aws_appautoscaling_scheduled_action.this : key => tonumber(action.scalable_target_action[0].max_capacity) }
}
