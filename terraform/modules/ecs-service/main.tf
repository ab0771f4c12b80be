# The UI service: tasks in the private subnets behind the ALB. A deployment whose tasks
# never turn healthy is stopped by the circuit breaker and rolled back to the last good
# task definition, so a bad image never replaces a working UI.

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = var.cluster_arn
  task_definition                   = var.task_definition_arn
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  enable_ecs_managed_tags           = true
  propagate_tags                    = "SERVICE"
  wait_for_steady_state             = var.wait_for_steady_state

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  # The number of tasks is the scalable target's below (set here only when the service is
  # created): a schedule changes it, and a plan must not undo that.
  lifecycle {
    ignore_changes = [desired_count]
  }
}

# ---------------------------------------------------------------------------------------
# The size, owned by Application Auto Scaling: registering a target moves the service's
# count into [min, max] at once, so a new desired_count applies on the next deploy
# (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html).
# With a schedule, its actions own min and max (a deploy at night must not start the UI).
# Two resources, one per case: ignore_changes cannot depend on a variable.
# ---------------------------------------------------------------------------------------

locals {
  resource_id = "service/${element(split("/", var.cluster_arn), 1)}/${aws_ecs_service.this.name}"
}

resource "aws_appautoscaling_target" "fixed" {
  count = var.schedule == null ? 1 : 0

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = local.resource_id
  min_capacity       = var.desired_count
  max_capacity       = var.desired_count
}

resource "aws_appautoscaling_target" "scheduled" {
  count = var.schedule == null ? 0 : 1

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = local.resource_id
  min_capacity       = var.desired_count
  max_capacity       = var.desired_count

  lifecycle {
    ignore_changes = [min_capacity, max_capacity]
  }
}

# At each time the action sets min and max; the service follows
# (https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-policy-overview.html).
resource "aws_appautoscaling_scheduled_action" "this" {
  for_each = var.schedule == null ? {} : {
    start = { at = var.schedule.start, tasks = var.desired_count }
    stop  = { at = var.schedule.stop, tasks = 0 }
  }

  name               = "${var.name}-${each.key}"
  service_namespace  = aws_appautoscaling_target.scheduled[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.scheduled[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.scheduled[0].resource_id
  schedule           = each.value.at
  timezone           = var.schedule.timezone

  scalable_target_action {
    min_capacity = each.value.tasks
    max_capacity = each.value.tasks
  }
}
