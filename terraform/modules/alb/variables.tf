variable "name" {
  type        = string
  description = "Name of the load balancer (its target group adds -ui); at most 29 characters."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,27}[A-Za-z0-9])?$", var.name))
    error_message = "name must be 1-29 letters, digits and hyphens, not starting or ending with a hyphen (target group names stop at 32)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the targets."
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Public subnets, in at least two zones."
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must list at least two subnet ids."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the load balancer."
  nullable    = false

  validation {
    condition     = length(var.security_group_ids) >= 1 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must list at least one security group id."
  }
}

variable "target_port" {
  type        = number
  description = "Port the UI containers listen on."
  default     = 8501
  nullable    = false

  validation {
    condition     = var.target_port >= 1 && var.target_port <= 65535
    error_message = "target_port must be from 1 to 65535."
  }
}

variable "idle_timeout" {
  type        = number
  description = "Seconds an idle connection stays open; Streamlit's websocket pings every few seconds, but a long value spares reconnects."
  default     = 300
  nullable    = false

  validation {
    condition     = var.idle_timeout >= 60 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be from 60 to 4000 seconds (below 60 drops Streamlit's websocket)."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for HTTPS; null serves plain HTTP (no redirect)."
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN or null."
  }
}

variable "ssl_policy" {
  type        = string
  description = "TLS policy of the HTTPS listener."
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  nullable    = false

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-")
    error_message = "ssl_policy must be an ELBSecurityPolicy-* name."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the load balancer (off only for throwaway environments)."
  default     = true
  nullable    = false
}
