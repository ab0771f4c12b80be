variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. teleco-customer-churn-: the boundary caps S3, SageMaker and SSM access to names with it."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "artifacts_account_id" {
  type        = string
  description = "The account holding the pipeline's model bundles when it is not this one (staging in an account of its own): roles here may also decrypt with that account's keys. null: this account."
  default     = null

  validation {
    condition     = var.artifacts_account_id == null || can(regex("^[0-9]{12}$", var.artifacts_account_id))
    error_message = "artifacts_account_id must be a 12-digit AWS account id, or null."
  }
}
