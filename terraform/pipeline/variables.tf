variable "region" {
  type        = string
  description = "AWS region of the pipeline's resources."
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

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name: the environment. NAME_PREFIX (make, the repository variable) passes it as TF_VAR_name_prefix and picks the state key with it."
  default     = "teleco-customer-churn-"
  nullable    = false

  # At most 26 characters: the platform's target group is <prefix>alb-ui, and load balancer
  # names stop at 32 (both stacks share the prefix). moto does not check the length.
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,24}-$", var.name_prefix))
    error_message = "name_prefix must be 3-26 lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "state_bucket" {
  type        = string
  description = "The Terraform state bucket bootstrap made (backend.tf names it too; backends cannot read variables)."
  default     = "teleco-churn-terraform-state"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name."
  }
}

variable "training_image_digest" {
  type        = string
  description = "Digest (sha256:...) of the training image the task runs: the release's (churn-stack plan --release); pull-request plans keep the deployed one."
  nullable    = false

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.training_image_digest))
    error_message = "training_image_digest must be an image digest, sha256:<64 hex> (images are deployed by digest, never by tag)."
  }
}

variable "model_version_days" {
  type        = number
  description = "Days an overwritten or deleted bundle object version is kept."
  default     = 180
  nullable    = false

  validation {
    condition     = var.model_version_days >= 1 && var.model_version_days <= 3650 && floor(var.model_version_days) == var.model_version_days
    error_message = "model_version_days must be a whole number of days from 1 to 3650."
  }
}

variable "score_retention_days" {
  type        = number
  description = "Days a published scoring run (scores/<date>/) is kept; a weekly run makes about 52 a year."
  default     = 400
  nullable    = false

  validation {
    condition     = var.score_retention_days >= 7 && floor(var.score_retention_days) == var.score_retention_days
    error_message = "score_retention_days must be a whole number of days, at least 7."
  }
}

variable "customers_prefix" {
  type        = string
  description = "Prefix of the model bucket under which ml-engineer may read the customer base it scores: score.yml's CUSTOMER_BASE_KEY must lie under it."
  default     = "customers/"
  nullable    = false

  # S3's safe key characters, one folder or more, never the whole bucket; bundles, data and
  # runs stay out of it (ml-engineer reads them by their own statements).
  validation {
    condition     = can(regex("^([A-Za-z0-9!_.*'()-]+/)+$", var.customers_prefix)) && !can(regex("^(models|data|scores|scores-work|releases)/", var.customers_prefix)) && !strcontains(var.customers_prefix, "..")
    error_message = "customers_prefix must be a key prefix such as customers/ or crm/exports/: folders of S3's safe characters ending in a slash, outside models/, data/, scores/, scores-work/ and releases/."
  }
}

variable "github_repository" {
  type        = string
  description = "The GitHub repository (owner/name) whose main branch and production environment may act as ml-engineer."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "create_github_oidc_provider" {
  type        = bool
  description = "Create the account's GitHub OIDC provider; false when the account already has one."
  default     = true
  nullable    = false
}

variable "enable_staging" {
  type        = bool
  description = "Make staging's deploy role (<name_prefix>stg-terraform-deploy): the deploy then applies main's release to staging's platform, smoke-tests it, and only then to production (set the repository variable STAGING to true and the secret AWS_STAGING_DEPLOY_ROLE_ARN)."
  default     = false
  nullable    = false

  validation {
    condition     = !var.enable_staging || length(var.name_prefix) <= 22
    error_message = "With enable_staging, name_prefix must be at most 22 characters: staging's is name_prefix plus stg-, and load balancer names stop at 32."
  }
}

variable "staging_account_id" {
  type        = string
  description = "With enable_staging, the AWS account staging runs in when it is not this one (null: this one). Staging's identities are then made there (terraform/staging-account, by that account's administrator), and this stack shares the bundles, the release log and the API and UI images with staging's roles (<name_prefix>stg-*) there; bootstrap shares staging's state."
  default     = null

  validation {
    condition     = var.staging_account_id == null || (var.enable_staging && can(regex("^[0-9]{12}$", var.staging_account_id)))
    error_message = "staging_account_id must be a 12-digit AWS account id, and needs enable_staging = true."
  }
}

variable "enable_static_ci_user" {
  type        = bool
  description = "Also create the original design's ml-engineer IAM user with a static access key."
  default     = false
  nullable    = false
}

variable "rehearsal" {
  type        = bool
  description = "True for throwaway environments (local rehearsals): lets destroy remove non-empty buckets and repositories."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags on every resource (the provider's default_tags)."
  default     = { Project = "teleco-customer-churn", ManagedBy = "terraform" }
  nullable    = false
}
