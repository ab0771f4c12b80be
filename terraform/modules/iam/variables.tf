variable "name_prefix" {
  type        = string
  description = "Prefix of the role names, e.g. teleco-customer-churn-."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*-$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and hyphens, ending in a hyphen."
  }
}

variable "partition" {
  type        = string
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  default     = "aws"
  nullable    = false

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "region" {
  type        = string
  description = "Region of the platform (scopes the SageMaker log-group ARN)."
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-central-1."
  }
}

variable "account_id" {
  type        = string
  description = "Account of the platform (scopes the SageMaker log-group ARN)."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "model_bucket_arn" {
  type        = string
  description = "ARN of the model bucket."
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

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.model_kms_key_arn))
    error_message = "model_kms_key_arn must be a KMS key ARN."
  }
}

variable "model_key_prefix" {
  type        = string
  description = "Key prefix of the served bundle, e.g. models/<version>/: SageMaker and Lambda may read only it."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.model_key_prefix))
    error_message = "model_key_prefix must be an S3 key prefix ending in a slash, without a leading slash."
  }
}

variable "scores_key_prefix" {
  type        = string
  description = "Key prefix of the published scoring runs (churn-score's scores/<run>/): Lambda may list and read it for /v1/scores."
  default     = "scores/"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.scores_key_prefix))
    error_message = "scores_key_prefix must be an S3 key prefix ending in a slash, without a leading slash."
  }
}

variable "sagemaker_image_repository_arn" {
  type        = string
  description = "ARN of the AWS-owned ECR repository of the prebuilt serving image."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:", var.sagemaker_image_repository_arn))
    error_message = "sagemaker_image_repository_arn must be an ECR repository ARN."
  }
}

variable "sagemaker_endpoint_arn" {
  type        = string
  description = "ARN of the endpoint the Lambda may invoke (and nothing else)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/", var.sagemaker_endpoint_arn))
    error_message = "sagemaker_endpoint_arn must be a SageMaker endpoint ARN."
  }
}

variable "ui_repository_arn" {
  type        = string
  description = "ARN of the UI image's ECR repository."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:", var.ui_repository_arn))
    error_message = "ui_repository_arn must be an ECR repository ARN."
  }
}

variable "ui_log_group_arn" {
  type        = string
  description = "ARN of the UI's log group (without the trailing :*)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:logs:.*:log-group:[^*]+$", var.ui_log_group_arn))
    error_message = "ui_log_group_arn must be a CloudWatch log group ARN without a wildcard."
  }
}

variable "lambda_log_group_arn" {
  type        = string
  description = "ARN of the Lambda's log group (without the trailing :*)."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:logs:.*:log-group:[^*]+$", var.lambda_log_group_arn))
    error_message = "lambda_log_group_arn must be a CloudWatch log group ARN without a wildcard."
  }
}

variable "api_execution_arn" {
  type        = string
  description = "Execution ARN of the HTTP API the UI task may invoke."
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:execute-api:", var.api_execution_arn))
    error_message = "api_execution_arn must be an execute-api ARN."
  }
}

variable "api_stage" {
  type        = string
  description = "Stage of the API the UI task and the smoke test may invoke."
  default     = "v1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.api_stage))
    error_message = "api_stage must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "ssm_parameter_path" {
  type        = string
  description = "SSM parameter path the UI's settings live under (e.g. /teleco-customer-churn-ui); the ECS execution role may read it. null: settings come from the environment."
  default     = null

  validation {
    condition     = var.ssm_parameter_path == null || can(regex("^(/[A-Za-z0-9_.-]+)+$", var.ssm_parameter_path))
    error_message = "ssm_parameter_path must be an SSM path such as /teleco-customer-churn-ui (no trailing slash)."
  }
}

variable "create_log_read_policy" {
  type        = bool
  description = "Create <prefix>read-logs, a managed policy that reads the project's log groups, for the people who operate it."
  default     = false
  nullable    = false
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

variable "smoke_test_principal_arns" {
  type        = list(string)
  description = "Existing identities (role or user ARNs) that may assume <prefix>smoke-test-role, which may only POST /<stage>/predictions to this API. Empty: no such role."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.smoke_test_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "smoke_test_principal_arns must be IAM role or user ARNs."
  }
}
