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
  description = "How many images no release named (no release- tag) each repository keeps (older ones expire)."
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

variable "keep_release_images" {
  type        = number
  description = "How many images of releases (tagged release-<id> by churn-release) each repository keeps: the last releases, which a rollback may serve again."
  default     = 10
  nullable    = false

  validation {
    condition     = var.keep_release_images >= 3 && var.keep_release_images <= 1000 && floor(var.keep_release_images) == var.keep_release_images
    error_message = "keep_release_images must be a whole number from 3 to 1000 (what runs and at least two releases to go back to)."
  }
}

variable "shared_with" {
  type = object({
    account_id   = string
    role_names   = string
    repositories = set(string)
  })
  description = "Another account that runs these images (staging in an account of its own): its account id, a pattern of its role names that may pull (e.g. teleco-customer-churn-stg-*), and which repositories. Its Lambda functions named with the prefix may pull those of lambda_pull_repositories too. null: no other account."
  default     = null

  validation {
    condition     = var.shared_with == null || can(regex("^[0-9]{12}$", var.shared_with.account_id))
    error_message = "shared_with.account_id must be a 12-digit AWS account id."
  }

  validation {
    condition     = var.shared_with == null || can(regex("^[A-Za-z0-9+=,.@_-]+\\*?$", var.shared_with.role_names))
    error_message = "shared_with.role_names must be a role name, or a name prefix ending in *, never * alone."
  }

  validation {
    condition     = var.shared_with == null || length(setsubtract(try(var.shared_with.repositories, []), var.repositories)) == 0
    error_message = "shared_with.repositories must name repositories of var.repositories."
  }
}
