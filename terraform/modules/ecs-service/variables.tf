variable "name" {
  type        = string
  description = "Name of the service, e.g. teleco-customer-churn-service."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "cluster_arn" {
  type        = string
  description = "Cluster the service runs in."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN."
  }
}

variable "task_definition_arn" {
  type        = string
  description = "Task definition revision to run."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+:[0-9]+$", var.task_definition_arn))
    error_message = "task_definition_arn must be a task definition ARN with its revision."
  }
}

variable "desired_count" {
  type        = number
  description = "Tasks to run; two or more keep the UI up through a zone or Spot loss."
  default     = 2
  nullable    = false

  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 20 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number from 1 to 20."
  }
}

variable "capacity_provider_strategy" {
  type = list(object({
    capacity_provider = string
    base              = optional(number, 0)
    weight            = number
  }))
  description = "Where tasks go: FARGATE and FARGATE_SPOT with their base and weights."
  nullable    = false

  validation {
    condition     = length(var.capacity_provider_strategy) > 0 && alltrue([for entry in var.capacity_provider_strategy : contains(["FARGATE", "FARGATE_SPOT"], entry.capacity_provider)])
    error_message = "capacity_provider_strategy must name FARGATE and/or FARGATE_SPOT."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets the tasks run in."
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list subnet ids."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the tasks."
  nullable    = false

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must list security group ids."
  }
}

variable "target_group_arn" {
  type        = string
  description = "ALB target group the tasks register in."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:", var.target_group_arn))
    error_message = "target_group_arn must be an ELB target group ARN."
  }
}

variable "container_name" {
  type        = string
  description = "Container the load balancer sends traffic to."
  nullable    = false
}

variable "container_port" {
  type        = number
  description = "Port of that container."
  nullable    = false

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535
    error_message = "container_port must be from 1 to 65535."
  }
}

variable "health_check_grace_period_seconds" {
  type        = number
  description = "Seconds the ALB's failing health checks are ignored after a task starts (Streamlit needs a few)."
  default     = 60
  nullable    = false

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be 0 or more."
  }
}

variable "wait_for_steady_state" {
  type        = bool
  description = "Make apply wait until the deployment is steady, so a failed rollout fails the deploy."
  default     = true
  nullable    = false
}

variable "schedule" {
  type = object({
    start    = string
    stop     = string
    timezone = optional(string, "UTC")
  })
  description = "Office hours: Application Auto Scaling cron expressions that start desired_count tasks and stop them all, in timezone (an IANA name); null runs the service around the clock."
  default     = null

  validation {
    condition = var.schedule == null || alltrue([
      for at in try([var.schedule.start, var.schedule.stop], []) : can(regex("^cron\\((\\S+ ){5}\\S+\\)$", at))
    ])
    error_message = "schedule.start and schedule.stop must be cron(Minutes Hours Day-of-month Month Day-of-week Year) expressions, e.g. cron(0 7 ? * MON-FRI *)."
  }

  validation {
    condition     = var.schedule == null || can(regex("^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$", var.schedule.timezone))
    error_message = "schedule.timezone must be an IANA time zone name, e.g. Europe/Berlin or UTC."
  }
}
