variable "name" {
  type        = string
  description = "Name of the HTTP API."
  nullable    = false

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 128
    error_message = "name must be 1-128 characters."
  }
}

variable "lambda_invoke_arn" {
  type        = string
  description = "Invoke ARN of the Lambda behind the API."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/", var.lambda_invoke_arn))
    error_message = "lambda_invoke_arn must be a Lambda invoke ARN (arn:aws:apigateway:<region>:lambda:path/...)."
  }
}

variable "lambda_function_name" {
  type        = string
  description = "Name of that Lambda (for the invoke permission)."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.lambda_function_name))
    error_message = "lambda_function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "stage_name" {
  type        = string
  description = "Name of the stage, which is also the first path segment (v1)."
  default     = "v1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name)) && var.stage_name != "$default"
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores (a named stage, not $default)."
  }
}

variable "integration_timeout_ms" {
  type        = number
  description = "Milliseconds API Gateway waits for the Lambda (50 to 30000)."
  default     = 29000
  nullable    = false

  validation {
    condition     = var.integration_timeout_ms >= 50 && var.integration_timeout_ms <= 30000
    error_message = "integration_timeout_ms must be from 50 to 30000."
  }
}

variable "throttling_burst_limit" {
  type        = number
  description = "Requests the stage accepts in a burst before answering 429."
  default     = 50
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number from 1 to 5000."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady requests per second the stage accepts before answering 429."
  default     = 20
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be above 0 and at most 10000."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the access logs are kept."
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}
