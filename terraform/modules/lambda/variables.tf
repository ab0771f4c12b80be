variable "function_name" {
  type        = string
  description = "Name of the function, e.g. teleco-customer-churn-prediction-api."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "image_uri" {
  type        = string
  description = "ECR image of the API by digest (<repository URL>@sha256:...), as the release record names it: a tag could be moved, a digest cannot."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", var.image_uri))
    error_message = "image_uri must be an ECR image by digest, <repository URL>@sha256:<64 hex>, never a tag."
  }
}

variable "role_arn" {
  type        = string
  description = "Execution role of the function."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.role_arn))
    error_message = "role_arn must be an IAM role ARN."
  }
}

variable "memory_size" {
  type        = number
  description = "Memory in MB (Lambda allows 128 to 10240)."
  default     = 1024
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  type        = number
  description = "Seconds per invocation; API Gateway cuts integrations at 29 s, so at most 30 is useful."
  default     = 30
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 30 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 30 (API Gateway's integration limit is 29 s)."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Concurrent executions reserved for, and capping, the function; null reserves none (the HTTP API's throttle is then the guard)."
  default     = null

  # AWS keeps 100 executions (or the whole quota, on a new account whose quota is 10)
  # unreserved, so reserving any on such an account fails the deploy:
  # https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
  validation {
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 1 && var.reserved_concurrency <= 1000 && floor(var.reserved_concurrency) == var.reserved_concurrency, false)
    error_message = "reserved_concurrency must be null or a whole number from 1 to 1000 (0 would stop the function)."
  }
}

variable "environment" {
  type        = map(string)
  description = "Environment of the function: the API's CHURN_* settings."
  default     = {}
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Days the function's logs are kept."
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}
