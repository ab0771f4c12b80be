variable "name_prefix" {
  type        = string
  description = "Prefix of every name, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "repository_url" {
  type        = string
  description = "URL of the training image's ECR repository (no tag)."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+$", var.repository_url))
    error_message = "repository_url must be an ECR repository URL without a tag."
  }
}

variable "repository_arn" {
  type        = string
  description = "ARN of the training image's ECR repository (the execution role pulls from it)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:", var.repository_arn))
    error_message = "repository_arn must be an ECR repository ARN."
  }
}

variable "image_digest" {
  type        = string
  description = "Digest (sha256:...) of the training image to run, as the release record names it."
  nullable    = false

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be an image digest, sha256:<64 hex> (images are deployed by digest, never by tag)."
  }
}

variable "model_bucket_arn" {
  type        = string
  description = "ARN of the bucket holding the raw data and the bundles."
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

variable "data_prefix" {
  type        = string
  description = "Key prefix under which the task may read training data."
  default     = "data/"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.data_prefix))
    error_message = "data_prefix must be an S3 key prefix ending in a slash, without a leading slash."
  }
}

variable "bundle_prefix" {
  type        = string
  description = "Key prefix under which the task writes bundles."
  default     = "models/"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.bundle_prefix))
    error_message = "bundle_prefix must be an S3 key prefix ending in a slash, without a leading slash."
  }
}

variable "cpu" {
  type        = number
  description = "Task CPU units (Fargate sizes: 256, 512, 1024, 2048, 4096)."
  default     = 2048
  nullable    = false

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be one of Fargate's sizes: 256, 512, 1024, 2048, 4096."
  }
}

variable "memory" {
  type        = number
  description = "Task memory in MiB; must suit the CPU size (e.g. 4096-16384 for 2048 units)."
  default     = 4096
  nullable    = false

  validation {
    condition     = var.memory >= 512 && var.memory <= 30720 && var.memory % 512 == 0
    error_message = "memory must be a multiple of 512 MiB from 512 to 30720."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the training logs are kept."
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
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
