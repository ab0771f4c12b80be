variable "region" {
  type        = string
  description = "AWS region: production's (Lambda and ECS pull images from a registry of their own region)."
  default     = "eu-central-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-central-1."
  }
}

variable "aws_profile" {
  type        = string
  description = "Named AWS CLI profile of this account's administrator; null where the environment supplies credentials."
  default     = null
}

variable "name_prefix" {
  type        = string
  description = "The pipeline's name_prefix (production's); staging's names are it plus stg-."
  default     = "teleco-customer-churn-"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,22}-$", var.name_prefix))
    error_message = "name_prefix must be 3-24 lowercase letters, digits and hyphens, ending in a hyphen (staging's adds stg-; load balancer names stop at 32)."
  }
}

variable "github_repository" {
  type        = string
  description = "The GitHub repository (owner/name) whose staging environment on main deploys here."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "create_github_oidc_provider" {
  type        = bool
  description = "Create this account's GitHub OIDC provider; false when it already has one."
  default     = true
  nullable    = false
}

variable "artifacts_account_id" {
  type        = string
  description = "Production's account, which holds the pipeline (the pipeline's output staging_account_inputs)."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}$", var.artifacts_account_id))
    error_message = "artifacts_account_id must be a 12-digit AWS account id."
  }
}

variable "model_kms_key_arn" {
  type        = string
  description = "ARN of the model bucket's key in production's account (staging_account_inputs)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.model_kms_key_arn))
    error_message = "model_kms_key_arn must be a KMS key ARN."
  }
}

variable "state_bucket" {
  type        = string
  description = "The state bucket in production's account (bootstrap's), which keeps staging's state too."
  default     = "teleco-churn-terraform-state"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name."
  }
}

variable "state_kms_key_arn" {
  type        = string
  description = "ARN of the state bucket's key in production's account (staging_account_inputs)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags on every resource (the provider's default_tags)."
  default     = { Project = "teleco-customer-churn", ManagedBy = "terraform" }
  nullable    = false
}
