variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    # The endpoint configuration's name is <prefix>xgboost- plus Terraform's 26-character
    # unique suffix, and SageMaker names stop at 63 characters.
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix)) && length(var.name_prefix) <= 29
    error_message = "name_prefix must be lowercase letters, digits and hyphens ending in a hyphen, at most 29 characters (SageMaker names stop at 63)."
  }
}

variable "model_data_url" {
  type        = string
  description = "S3 URI of the bundle's model.tar.gz, e.g. s3://<bucket>/models/<version>/model.tar.gz."
  nullable    = false

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([A-Za-z0-9!_.*'()-]+/)*model\\.tar\\.gz$", var.model_data_url))
    error_message = "model_data_url must be an s3:// URI of a model.tar.gz."
  }
}

variable "execution_role_arn" {
  type        = string
  description = "Role SageMaker assumes to read the model and pull the image."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN."
  }
}

variable "xgboost_image_tag" {
  type        = string
  description = "Tag of SageMaker's prebuilt XGBoost image; the bundle is trained to load in 1.7-1."
  default     = "1.7-1"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+-[0-9]+$", var.xgboost_image_tag))
    error_message = "xgboost_image_tag must look like 1.7-1."
  }
}

variable "memory_size_in_mb" {
  type        = number
  description = "Memory of each serverless worker: 1024 to 6144 MB in 1024 MB steps."
  default     = 2048
  nullable    = false

  validation {
    condition     = contains([1024, 2048, 3072, 4096, 5120, 6144], var.memory_size_in_mb)
    error_message = "memory_size_in_mb must be 1024, 2048, 3072, 4096, 5120 or 6144."
  }
}

variable "max_concurrency" {
  type        = number
  description = "Concurrent invocations the endpoint serves before throttling (1 to 200)."
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_concurrency >= 1 && var.max_concurrency <= 200 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number from 1 to 200."
  }
}
