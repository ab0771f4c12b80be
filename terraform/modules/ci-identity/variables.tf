variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "github_repository" {
  type        = string
  description = "The repository whose workflows may act as ml-engineer, as owner/name."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "github_branch" {
  type        = string
  description = "The only branch whose workflow runs may assume the ml-engineer and deploy roles (and the plan role outside pull requests)."
  default     = "main"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.github_branch)) && !strcontains(var.github_branch, "*")
    error_message = "github_branch must be one branch name (no wildcards)."
  }
}

variable "github_environment" {
  type        = string
  description = "The GitHub environment whose jobs, on github_branch, may assume the deploy role."
  default     = "production"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.github_environment))
    error_message = "github_environment must be an environment name (letters, digits, . _ -)."
  }
}

variable "staging" {
  type        = bool
  description = "Make staging's deploy role too (<name_prefix>stg-terraform-deploy, trusted in the staging environment on github_branch): it applies staging's platform only, in this account."
  default     = false
  nullable    = false
}

variable "artifacts_account_id" {
  type        = string
  description = "The account holding the pipeline (model bucket, ECR repositories, release log, state bucket) when it is not this one: this account is then staging's own, and gets staging's identities only (the plan role and staging's deploy role, reading those across accounts); no ml-engineer, no production role. null: the pipeline is in this account."
  default     = null

  validation {
    condition     = var.artifacts_account_id == null || can(regex("^[0-9]{12}$", var.artifacts_account_id))
    error_message = "artifacts_account_id must be a 12-digit AWS account id, or null."
  }
}

variable "create_oidc_provider" {
  type        = bool
  description = "Create the account's GitHub OIDC provider; false when the account already has one."
  default     = true
  nullable    = false
}

variable "model_bucket_arn" {
  type        = string
  description = "ARN of the model bucket the workflows read and write bundles in."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.model_bucket_arn))
    error_message = "model_bucket_arn must be an S3 bucket ARN."
  }
}

variable "model_kms_key_arn" {
  type        = string
  description = "ARN of the model bucket's KMS key."
  nullable    = false
}

variable "ecr_repository_arns" {
  type        = list(string)
  description = "ARNs of the repositories the workflows push images to."
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.ecr_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:", arn))])
    error_message = "ecr_repository_arns must be ECR repository ARNs."
  }
}

variable "enable_static_user" {
  type        = bool
  description = "Also create the original design's IAM user with a static access key (off: OIDC needs no stored secret)."
  default     = false
  nullable    = false
}

variable "batch_scoring" {
  type = object({
    role_arn         = string
    customers_prefix = string
    scores_prefix    = string
    work_prefix      = string
  })
  description = "The scoring runs churn-score starts: the role their transform jobs assume, and the model bucket's prefixes of the customer base, the published scores and the jobs' work; null when no scoring runs in AWS."
  default     = null

  validation {
    condition     = var.batch_scoring == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", var.batch_scoring.role_arn))
    error_message = "batch_scoring.role_arn must be an IAM role ARN."
  }

  validation {
    condition = var.batch_scoring == null || alltrue([
      for prefix in try([var.batch_scoring.customers_prefix, var.batch_scoring.scores_prefix, var.batch_scoring.work_prefix], []) :
      endswith(prefix, "/") && !startswith(prefix, "/")
    ])
    error_message = "batch_scoring's prefixes must end in a slash and not start with one."
  }
}

variable "training_task" {
  type = object({
    cluster_arn            = string
    task_definition_family = string
    role_arns              = list(string)
    log_group_arn          = string
  })
  description = "The ECS training task the retrain workflow starts (RunTask, PassRole, its logs); null when training only runs in the CI runner."
  default     = null

  validation {
    condition     = var.training_task == null || can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.training_task.cluster_arn))
    error_message = "training_task.cluster_arn must be an ECS cluster ARN."
  }
}

variable "state_kms_key_arn" {
  type        = string
  description = "KMS key of the Terraform state bucket (the plan role decrypts state with it)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN."
  }
}

variable "state_bucket" {
  type        = string
  description = "The Terraform state bucket: deploy plan jobs write their saved plans under plans/ there."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be a valid S3 bucket name."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "The workload boundary (module workload-boundary): the deploy role may create and change only roles that carry it, and may not change it."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}
