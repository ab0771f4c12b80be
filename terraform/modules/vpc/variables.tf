variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "cidr" {
  type        = string
  description = "IPv4 range of the VPC; a /16 to /20 (it is cut into /20 to /24 subnets)."
  default     = "10.40.0.0/16"
  nullable    = false

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) >= 16 && tonumber(split("/", var.cidr)[1]) <= 20
    error_message = "cidr must be an IPv4 CIDR block from /16 to /20, e.g. 10.40.0.0/16."
  }
}

variable "zone_count" {
  type        = number
  description = "Availability zones to span (one public subnet, private subnet and, unless single_nat_gateway, NAT gateway each)."
  default     = 2
  nullable    = false

  validation {
    condition     = var.zone_count >= 2 && var.zone_count <= 4 && floor(var.zone_count) == var.zone_count
    error_message = "zone_count must be 2, 3 or 4 (an ALB needs two zones)."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway, in the first zone, for every private subnet: a cheap environment (staging) pays one gateway's hours instead of one per zone, and loses outbound access from every zone while that zone is down."
  default     = false
  nullable    = false
}

variable "s3_gateway_endpoint" {
  type        = bool
  description = "Route the private subnets' S3 traffic (training and scoring data, ECR's image layers) through a gateway endpoint, which is free, instead of the NAT gateways, which bill every GB."
  default     = true
  nullable    = false
}

variable "flow_log_retention_days" {
  type        = number
  description = "Days the VPC flow logs are kept."
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "The workload boundary (ci-identity's) every role here carries: the deploy role may create no role without it."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}
