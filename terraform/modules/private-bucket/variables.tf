variable "name" {
  type        = string
  description = "Bucket name (globally unique)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !strcontains(var.name, "..")
    error_message = "name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "purpose" {
  type        = string
  description = "What the bucket holds, in a few words (used in the KMS key's description)."
  nullable    = false
}

variable "noncurrent_version_days" {
  type        = number
  description = "Days an overwritten or deleted object version is kept before it expires."
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_version_days >= 1 && var.noncurrent_version_days <= 3650 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of days from 1 to 3650."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the bucket's KMS key is deleted after a destroy."
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be from 7 to 30 (the AWS limits)."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow destroying the bucket while it still holds objects (rehearsals only)."
  default     = false
  nullable    = false
}

variable "expiring_prefixes" {
  type        = map(number)
  description = "Key prefixes whose objects are deleted after the given days (e.g. { \"plans/\" = 7 })."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for prefix, days in var.expiring_prefixes : endswith(prefix, "/") && days >= 1 && floor(days) == days])
    error_message = "expiring_prefixes maps key prefixes ending in a slash to whole numbers of days, at least 1."
  }

  # What must stay (a bundle, a release record) is never under a rule that expires objects.
  validation {
    condition = alltrue([
      for expiring in keys(var.expiring_prefixes) : alltrue([
        for kept in var.immutable_prefixes : !startswith(expiring, kept) && !startswith(kept, expiring)
      ])
    ])
    error_message = "expiring_prefixes must not overlap immutable_prefixes: a lifecycle rule would expire what is kept for good."
  }
}

variable "immutable_prefixes" {
  type        = list(string)
  description = "Key prefixes whose objects, once written, can be neither overwritten nor deleted (e.g. [\"models/\"]): every write there must be conditional (If-None-Match: *)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for prefix in var.immutable_prefixes : endswith(prefix, "/") && !startswith(prefix, "/")])
    error_message = "immutable_prefixes are key prefixes ending in a slash, without a leading one."
  }
}

variable "shared_with" {
  type = object({
    account_id      = string
    role_names      = string
    read_prefixes   = list(string)
    write_patterns  = optional(list(string), [])
    delete_patterns = optional(list(string), [])
  })
  description = "Another account's roles that may use the bucket (staging in an account of its own): their account id, a pattern of their role names (e.g. teleco-customer-churn-stg-*), the key prefixes they read (and list), the key patterns they write and those they delete (a state lock). Both sides must allow a cross-account call: this grant and the roles' own policies. null: no other account."
  default     = null

  validation {
    condition     = var.shared_with == null || can(regex("^[0-9]{12}$", var.shared_with.account_id))
    error_message = "shared_with.account_id must be a 12-digit AWS account id."
  }

  validation {
    condition     = var.shared_with == null || can(regex("^[A-Za-z0-9+=,.@_-]+\\*?$", var.shared_with.role_names))
    error_message = "shared_with.role_names must be a role name, or a name prefix ending in *, never * alone (every role of the account)."
  }

  validation {
    condition = var.shared_with == null || alltrue([
      for prefix in try(concat(var.shared_with.read_prefixes, var.shared_with.write_patterns, var.shared_with.delete_patterns), []) : length(prefix) > 1 && !startswith(prefix, "/") && !startswith(prefix, "*")
    ])
    error_message = "shared_with's prefixes and patterns name keys under a folder, never the whole bucket."
  }
}
