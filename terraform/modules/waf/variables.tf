variable "name" {
  type        = string
  description = "Name of the web ACL (its log group is aws-waf-logs-<name>)."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,115}$", var.name))
    error_message = "name must be 1-115 letters, digits, hyphens or underscores (the log group adds 13 characters to WAF's 128)."
  }
}

variable "load_balancer_arn" {
  type        = string
  description = "The application load balancer the web ACL protects."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/", var.load_balancer_arn))
    error_message = "load_balancer_arn must be an application load balancer's ARN."
  }
}

variable "rate_limit" {
  type        = number
  description = "Requests one client address may send in any 5 minutes before WAF blocks it (a page load is a few dozen; Streamlit's reruns travel on one websocket)."
  default     = 500
  nullable    = false

  # WAF's bounds for a rate-based rule.
  validation {
    condition     = var.rate_limit >= 10 && var.rate_limit <= 2000000000 && floor(var.rate_limit) == var.rate_limit
    error_message = "rate_limit must be a whole number from 10 to 2,000,000,000."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days WAF's logs are kept."
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}
