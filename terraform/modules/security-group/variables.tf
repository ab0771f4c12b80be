variable "name" {
  type        = string
  description = "Name of the security group (starts with the project's prefix)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,254}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, at most 255 characters."
  }
}

variable "description" {
  type        = string
  description = "What the group protects."
  nullable    = false

  validation {
    condition     = length(var.description) > 0 && length(var.description) <= 255
    error_message = "description must be 1-255 characters."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the group."
  nullable    = false

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "ingress_rules" {
  type = list(object({
    description        = string
    from_port          = number
    to_port            = optional(number)
    protocol           = optional(string, "tcp")
    cidr_blocks        = optional(list(string), [])
    security_group_ids = optional(list(string), [])
  }))
  description = "Inbound rules; each names CIDR blocks or security groups it admits."
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for rule in var.ingress_rules :
      rule.from_port >= 0 && rule.from_port <= 65535 && coalesce(rule.to_port, rule.from_port) >= rule.from_port && coalesce(rule.to_port, rule.from_port) <= 65535
    ])
    error_message = "Every ingress rule needs ports from 0 to 65535 with to_port >= from_port."
  }

  validation {
    condition     = alltrue([for rule in var.ingress_rules : alltrue([for cidr in rule.cidr_blocks : can(cidrhost(cidr, 0))])])
    error_message = "Every ingress cidr_blocks entry must be an IPv4 CIDR block."
  }

  validation {
    condition     = alltrue([for rule in var.ingress_rules : length(rule.cidr_blocks) + length(rule.security_group_ids) > 0 && length(rule.description) > 0])
    error_message = "Every ingress rule needs a description and at least one CIDR block or security group."
  }
}

variable "egress_rules" {
  type = list(object({
    description        = string
    from_port          = number
    to_port            = optional(number)
    protocol           = optional(string, "tcp")
    cidr_blocks        = optional(list(string), [])
    security_group_ids = optional(list(string), [])
  }))
  description = "Outbound rules; each names CIDR blocks or security groups it reaches."
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for rule in var.egress_rules :
      rule.from_port >= 0 && rule.from_port <= 65535 && coalesce(rule.to_port, rule.from_port) >= rule.from_port && coalesce(rule.to_port, rule.from_port) <= 65535
    ])
    error_message = "Every egress rule needs ports from 0 to 65535 with to_port >= from_port."
  }

  validation {
    condition     = alltrue([for rule in var.egress_rules : alltrue([for cidr in rule.cidr_blocks : can(cidrhost(cidr, 0))])])
    error_message = "Every egress cidr_blocks entry must be an IPv4 CIDR block."
  }

  validation {
    condition     = alltrue([for rule in var.egress_rules : length(rule.cidr_blocks) + length(rule.security_group_ids) > 0 && length(rule.description) > 0])
    error_message = "Every egress rule needs a description and at least one CIDR block or security group."
  }
}
