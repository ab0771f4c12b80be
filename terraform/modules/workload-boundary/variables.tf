variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. teleco-customer-churn-: the boundary caps S3, SageMaker and SSM access to names with it."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}
