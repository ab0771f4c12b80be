variable "name_prefix" {
  type        = string
  description = "Prefix of every repository name, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "repositories" {
  type        = set(string)
  description = "One repository per image, named <name_prefix><name>."
  default     = ["training", "api", "ui"]
  nullable    = false

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for name in var.repositories : can(regex("^[a-z0-9][a-z0-9-]*$", name))])
    error_message = "repositories must be a non-empty set of lowercase names (letters, digits, hyphens)."
  }
}

variable "keep_tagged_images" {
  type        = number
  description = "How many images that never ran (no deployed- tag) each repository keeps (older ones expire)."
  default     = 30
  nullable    = false

  validation {
    condition     = var.keep_tagged_images >= 1 && var.keep_tagged_images <= 1000 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "keep_tagged_images must be a whole number from 1 to 1000."
  }
}

variable "force_delete" {
  type        = bool
  description = "Allow destroying repositories that still hold images (rehearsals only)."
  default     = false
  nullable    = false
}

variable "lambda_pull_repositories" {
  type        = set(string)
  description = "Repositories (of var.repositories) whose images Lambda functions named with the prefix may pull."
  default     = []
  nullable    = false

  validation {
    condition     = length(setsubtract(var.lambda_pull_repositories, var.repositories)) == 0
    error_message = "lambda_pull_repositories must name repositories of var.repositories."
  }
}

variable "keep_deployed_images" {
  type        = number
  description = "How many deployed images (tagged deployed-<sha> by the deploy) each repository keeps: what runs, and its rollbacks."
  default     = 10
  nullable    = false

  validation {
    condition     = var.keep_deployed_images >= 2 && var.keep_deployed_images <= 1000 && floor(var.keep_deployed_images) == var.keep_deployed_images
    error_message = "keep_deployed_images must be a whole number from 2 to 1000 (what runs and at least one rollback)."
  }
}
