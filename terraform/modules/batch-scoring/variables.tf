variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "model_bucket_arn" {
  type        = string
  description = "ARN of the bucket holding the bundles and the scoring runs' work."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.model_bucket_arn))
    error_message = "model_bucket_arn must be an S3 bucket ARN."
  }
}

variable "model_kms_key_arn" {
  type        = string
  description = "ARN of the bucket's KMS key."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.model_kms_key_arn))
    error_message = "model_kms_key_arn must be a KMS key ARN."
  }
}

variable "model_key_prefix" {
  type        = string
  description = "Key prefix of the published bundles (their model.tar.gz is what the job runs)."
  default     = "models/"
  nullable    = false

  validation {
    condition     = endswith(var.model_key_prefix, "/") && !startswith(var.model_key_prefix, "/")
    error_message = "model_key_prefix must end in a slash and not start with one."
  }
}

variable "work_prefix" {
  type        = string
  description = "Key prefix of the jobs' feature rows and predictions (churn-score --work s3://<bucket>/<work_prefix>...)."
  default     = "scores-work/"
  nullable    = false

  validation {
    condition     = endswith(var.work_prefix, "/") && !startswith(var.work_prefix, "/")
    error_message = "work_prefix must end in a slash and not start with one."
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

variable "permissions_boundary_arn" {
  type        = string
  description = "ARN of the workload boundary every role of the project carries."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}
