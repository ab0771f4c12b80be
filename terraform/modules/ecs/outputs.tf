output "arn" {
  description = "ARN of the cluster."
  value       = aws_ecs_cluster.this.arn
}

output "name" {
  description = "Name of the cluster."
  value       = aws_ecs_cluster.this.name
}

output "capacity_provider_strategy" {
  description = "The cluster's default strategy, for services that state theirs explicitly."
  value = [
    { capacity_provider = "FARGATE", base = var.on_demand_base, weight = var.on_demand_weight },
    { capacity_provider = "FARGATE_SPOT", base = 0, weight = var.spot_weight },
  ]
  depends_on = [aws_ecs_cluster_capacity_providers.this]
}
