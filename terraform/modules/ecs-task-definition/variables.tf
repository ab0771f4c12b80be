variable "family" {
  type        = string
  description = "Task definition family, e.g. teleco-customer-churn-ui."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.family))
    error_message = "family must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "image" {
  type        = string
  description = "ECR image of the UI by digest (<repository URL>@sha256:...), as the release record names it: a tag could be moved, a digest cannot."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be an ECR image by digest, <repository URL>@sha256:<64 hex>, never a tag."
  }
}

variable "container_name" {
  type        = string
  description = "Name of the container (the load balancer targets it by name)."
  default     = "ui"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.container_name))
    error_message = "container_name must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "container_port" {
  type        = number
  description = "Port Streamlit listens on."
  default     = 8501
  nullable    = false

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be from 1024 to 65535 (the container runs as a non-root user)."
  }
}

variable "cpu" {
  type        = number
  description = "Task CPU units (Fargate sizes: 256, 512, 1024, 2048, 4096)."
  default     = 512
  nullable    = false

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be one of Fargate's sizes: 256, 512, 1024, 2048, 4096."
  }
}

variable "memory" {
  type        = number
  description = "Task memory in MiB; must suit the CPU size (e.g. 1024-4096 for 512 units)."
  default     = 1024
  nullable    = false

  validation {
    condition     = var.memory >= 512 && var.memory <= 30720 && var.memory % 512 == 0
    error_message = "memory must be a multiple of 512 MiB from 512 to 30720."
  }
}

variable "execution_role_arn" {
  type        = string
  description = "Role ECS uses to pull the image and ship logs."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN."
  }
}

variable "task_role_arn" {
  type        = string
  description = "Role the UI runs as (signs its calls to the API)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN."
  }
}

variable "api_endpoint" {
  type        = string
  description = "Base URL of the prediction API (the HTTP API's endpoint, without the stage): the UI's API_ENDPOINT."
  nullable    = false

  validation {
    condition     = can(regex("^https?://[^/]+$", var.api_endpoint))
    error_message = "api_endpoint must be a base URL such as https://abc123.execute-api.eu-central-1.amazonaws.com (no path)."
  }
}

variable "environment" {
  type        = map(string)
  description = "Further environment variables of the UI (e.g. API_TIMEOUT_SECONDS); API_ENDPOINT, API_AUTH and AWS_REGION are set by the module."
  default     = {}
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Days the UI's logs are kept."
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "ssm_settings" {
  type        = map(string)
  description = "UI settings taken from SSM parameters instead of the environment: variable name -> parameter ARN (the execution role must be allowed to read them)."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for arn in values(var.ssm_settings) : can(regex("^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/", arn))])
    error_message = "ssm_settings values must be SSM parameter ARNs."
  }
}
