variable "region" {
  type        = string
  description = "AWS region of the platform's resources."
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

variable "artifacts_prefix" {
  type        = string
  description = "Prefix of the pipeline stack whose model bucket, ECR repositories and workload boundary this platform uses; null: name_prefix's own. A staging platform (its own name_prefix) sets the production pipeline's, so both environments serve the same bundles and images by digest, built once."
  default     = null

  validation {
    condition     = var.artifacts_prefix == null || can(regex("^[a-z0-9][a-z0-9-]{1,24}-$", var.artifacts_prefix))
    error_message = "artifacts_prefix must be 3-26 lowercase letters, digits and hyphens, ending in a hyphen (the pipeline's name_prefix), or null."
  }
}

variable "artifacts_account_id" {
  type        = string
  description = "The account of that pipeline when it is not this one: a staging in an account of its own (set in staging.tfvars) reads the bundles and pulls the images there, by the pipeline's grants (its staging_account_id). null: this account."
  default     = null

  validation {
    condition     = var.artifacts_account_id == null || can(regex("^[0-9]{12}$", var.artifacts_account_id))
    error_message = "artifacts_account_id must be a 12-digit AWS account id, or null."
  }
}

variable "model_version" {
  type        = string
  description = "Version of the bundle to serve (s3://<model bucket>/models/<version>/); set in model.auto.tfvars, which the retrain pull request bumps."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$", var.model_version))
    error_message = "model_version must be a bundle version id such as 20261123T142501Z-3f9a1c."
  }
}

variable "release_id" {
  type        = string
  description = "The release being deployed (releases/<id>/release.json in the model bucket): the API reports it; unreleased only for the plans of a stack nothing was deployed to."
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{7}$", var.release_id)) || var.release_id == "unreleased"
    error_message = "release_id must be a release id such as 20261206T180000Z-1a0f6bb."
  }
}

variable "image_digests" {
  type = object({
    api = string
    ui  = string
  })
  description = "Digests (sha256:...) of the API and UI images the release names: images are deployed by digest, never by tag."
  nullable    = false

  validation {
    condition     = alltrue([for digest in values(var.image_digests) : can(regex("^sha256:[0-9a-f]{64}$", digest))])
    error_message = "image_digests must give the api and ui images' digests, each sha256:<64 hex>."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the VPC, /16 to /20."
  default     = "10.40.0.0/16"
  nullable    = false

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 to /20, e.g. 10.40.0.0/16."
  }
}

variable "zone_count" {
  type        = number
  description = "Availability zones to span, each with its own NAT gateway (unless single_nat_gateway)."
  default     = 2
  nullable    = false

  validation {
    condition     = var.zone_count >= 2 && var.zone_count <= 4 && floor(var.zone_count) == var.zone_count
    error_message = "zone_count must be 2, 3 or 4."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all zones instead of one per zone: for a cheap environment such as staging (one gateway's hours; outbound access then depends on the first zone)."
  default     = false
  nullable    = false
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the UI's HTTPS listener (HTTP then only redirects to HTTPS). Required, but in a rehearsal or with plain_http_demo."
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN or null."
  }

  # The public UI shows customers' data: plain HTTP only by an explicit, named choice.
  validation {
    condition     = var.certificate_arn != null || var.plain_http_demo || var.rehearsal
    error_message = "The UI needs HTTPS: set certificate_arn to an ACM certificate of your domain (in the platform's region), or plain_http_demo = true for a demo whose traffic anyone on the path may read."
  }
}

variable "waf_enabled" {
  type        = bool
  description = "Put AWS WAF in front of the UI's load balancer: a rate limit per client address and AWS's known-bad-inputs rules."
  default     = true
  nullable    = false
}

variable "waf_rate_limit" {
  type        = number
  description = "Requests one client address may send to the UI in any 5 minutes before WAF blocks it."
  default     = 500
  nullable    = false

  validation {
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "waf_rate_limit must be a whole number from 10 to 2,000,000,000 (WAF's bounds)."
  }
}

variable "plain_http_demo" {
  type        = bool
  description = "Serve the UI over plain HTTP without a certificate: a demo's explicit opt-out of HTTPS (never for real customers' data)."
  default     = false
  nullable    = false
}

variable "alb_idle_timeout" {
  type        = number
  description = "Seconds the load balancer keeps an idle connection open: 300 spares Streamlit's websocket reconnects; the original design's 60 also works."
  default     = 300
  nullable    = false

  validation {
    condition     = var.alb_idle_timeout >= 60 && var.alb_idle_timeout <= 4000
    error_message = "alb_idle_timeout must be from 60 to 4000 seconds (below 60 drops Streamlit's websocket)."
  }
}

variable "sagemaker_memory_size_in_mb" {
  type        = number
  description = "Memory of each serverless endpoint worker: 1024 to 6144 MB in 1024 MB steps."
  default     = 2048
  nullable    = false

  validation {
    condition     = contains([1024, 2048, 3072, 4096, 5120, 6144], var.sagemaker_memory_size_in_mb)
    error_message = "sagemaker_memory_size_in_mb must be 1024, 2048, 3072, 4096, 5120 or 6144."
  }
}

variable "sagemaker_max_concurrency" {
  type        = number
  description = "Concurrent invocations of the endpoint (1 to 200)."
  default     = 5
  nullable    = false

  validation {
    condition     = var.sagemaker_max_concurrency >= 1 && var.sagemaker_max_concurrency <= 200 && floor(var.sagemaker_max_concurrency) == var.sagemaker_max_concurrency
    error_message = "sagemaker_max_concurrency must be a whole number from 1 to 200."
  }
}

variable "api_reserved_concurrency" {
  type        = number
  description = "Concurrent executions reserved for, and capping, the API's Lambda; null (the default) reserves none and the HTTP API's throttle is the guard. Reserving needs an account quota of at least 100 plus this number."
  default     = null

  validation {
    condition     = var.api_reserved_concurrency == null || try(var.api_reserved_concurrency >= 1 && var.api_reserved_concurrency <= 1000 && floor(var.api_reserved_concurrency) == var.api_reserved_concurrency, false)
    error_message = "api_reserved_concurrency must be null or a whole number from 1 to 1000."
  }
}

variable "api_stage" {
  type        = string
  description = "Stage of the HTTP API; the app's paths start with /v1, so the stage is v1."
  default     = "v1"
  nullable    = false

  validation {
    condition     = var.api_stage == "v1"
    error_message = "api_stage must be v1: the API's own routes live under /v1."
  }
}

variable "ui_port" {
  type        = number
  description = "Port Streamlit listens on in the UI container."
  default     = 8501
  nullable    = false

  validation {
    condition     = var.ui_port >= 1024 && var.ui_port <= 65535
    error_message = "ui_port must be from 1024 to 65535."
  }
}

variable "ui_desired_count" {
  type        = number
  description = "UI tasks to run."
  default     = 2
  nullable    = false

  validation {
    condition     = var.ui_desired_count >= 1 && var.ui_desired_count <= 20 && floor(var.ui_desired_count) == var.ui_desired_count
    error_message = "ui_desired_count must be a whole number from 1 to 20."
  }
}

variable "ui_schedule" {
  type = object({
    start    = string
    stop     = string
    timezone = optional(string, "UTC")
  })
  description = "Office hours of the UI (the ecs-service module's schedule): cron expressions that start ui_desired_count tasks and stop them all; null runs it around the clock. staging.tfvars sets one."
  default     = null
}

variable "wait_for_steady_state" {
  type        = bool
  description = "Make apply wait until the UI service's deployment is steady (a failed rollout then fails the deploy)."
  default     = true
  nullable    = false
}

variable "log_retention_days" {
  type        = number
  description = "Days the platform's log groups (Lambda, API access, UI) are kept."
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "ui_settings_in_ssm" {
  type        = bool
  description = "Keep the UI's API_ENDPOINT and API_AUTH as SSM parameters under /<prefix>ui, which the task reads at start (the ECS execution role may read that path), instead of in the task definition."
  default     = false
  nullable    = false
}

variable "create_log_read_policy" {
  type        = bool
  description = "Create <prefix>read-logs, a managed policy that reads the project's log groups, to attach to the people who operate it."
  default     = false
  nullable    = false
}

variable "rehearsal" {
  type        = bool
  description = "True for throwaway environments (local rehearsals): no deletion protection on the load balancer."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags on every resource (the provider's default_tags)."
  default     = { Project = "teleco-customer-churn", ManagedBy = "terraform" }
  nullable    = false
}
