variable "name" {
  type        = string
  description = "Name of the cluster, e.g. teleco-customer-churn-cluster."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "on_demand_base" {
  type        = number
  description = "Tasks always placed on on-demand FARGATE before weights apply (survive Spot reclaims)."
  default     = 1
  nullable    = false

  validation {
    condition     = var.on_demand_base >= 0 && var.on_demand_base <= 100000 && floor(var.on_demand_base) == var.on_demand_base
    error_message = "on_demand_base must be a whole number from 0 to 100000."
  }
}

variable "on_demand_weight" {
  type        = number
  description = "Relative share of tasks beyond the base placed on FARGATE."
  default     = 1
  nullable    = false

  validation {
    condition     = var.on_demand_weight >= 0 && var.on_demand_weight <= 1000 && floor(var.on_demand_weight) == var.on_demand_weight
    error_message = "on_demand_weight must be a whole number from 0 to 1000."
  }
}

variable "spot_weight" {
  type        = number
  description = "Relative share of tasks beyond the base placed on FARGATE_SPOT."
  default     = 3
  nullable    = false

  validation {
    condition     = var.spot_weight >= 0 && var.spot_weight <= 1000 && floor(var.spot_weight) == var.spot_weight
    error_message = "spot_weight must be a whole number from 0 to 1000."
  }
}
