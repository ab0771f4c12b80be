variable "region" {
  type        = string
  description = "AWS region of the state bucket."
  default     = "eu-central-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-central-1."
  }
}

variable "aws_profile" {
  type        = string
  description = "Named AWS CLI profile; null where the environment supplies credentials (CI uses OIDC)."
  default     = null
}

variable "state_bucket_name" {
  type        = string
  description = "Name of the bucket holding every stack's Terraform state."
  default     = "teleco-churn-terraform-state"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !strcontains(var.state_bucket_name, "..")
    error_message = "state_bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "noncurrent_state_days" {
  type        = number
  description = "Days an overwritten state version is kept before it expires."
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_state_days >= 1 && var.noncurrent_state_days <= 3650 && floor(var.noncurrent_state_days) == var.noncurrent_state_days
    error_message = "noncurrent_state_days must be a whole number of days from 1 to 3650."
  }
}

variable "name_prefix" {
  type        = string
  description = "The pipeline's name_prefix: names staging's state key and roles when staging has an account of its own."
  default     = "teleco-customer-churn-"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,24}-$", var.name_prefix))
    error_message = "name_prefix must be 3-26 lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "staging_account_id" {
  type        = string
  description = "The account staging runs in when it is not this one (the pipeline's staging_account_id): its roles (<name_prefix>stg-*) keep their state and hand over saved plans here. null: no such account."
  default     = null

  validation {
    condition     = var.staging_account_id == null || can(regex("^[0-9]{12}$", var.staging_account_id))
    error_message = "staging_account_id must be a 12-digit AWS account id, or null."
  }
}

variable "rehearsal" {
  type        = bool
  description = "True for throwaway environments (local rehearsals): lets destroy remove the bucket with its state."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags on every resource (the provider's default_tags)."
  default     = { Project = "teleco-customer-churn", ManagedBy = "terraform" }
  nullable    = false
}
