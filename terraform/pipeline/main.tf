# The pipeline stack: where models and images live, the training task, and the
# ml-engineer identity CI acts as.

data "aws_caller_identity" "current" {}

locals {
  # Staging's names extend production's (churn.names); in an account of its own, its
  # roles there are granted what they read here by resource policies.
  staging_prefix    = "${var.name_prefix}stg-"
  staging_elsewhere = var.staging_account_id != null
}

# ---------------------------------------------------------------------------------------
# Model bundles: s3://<bucket>/models/<version>/
# ---------------------------------------------------------------------------------------

module "models" {
  source = "../modules/private-bucket"

  # The account id keeps the globally unique name from colliding between forks.
  name                    = "${var.name_prefix}models-${data.aws_caller_identity.current.account_id}"
  purpose                 = "model bundles"
  noncurrent_version_days = var.model_version_days
  force_destroy           = var.rehearsal
  # A published bundle, and a release record that names one, is what main or a rollback
  # may serve: never replaced, never lost.
  immutable_prefixes = ["models/", "releases/"]
  # Staging in an account of its own reads the bundles and releases, and records its
  # environment's events (its roles' own policies narrow this further).
  shared_with = local.staging_elsewhere ? {
    account_id     = var.staging_account_id
    role_names     = "${local.staging_prefix}*"
    read_prefixes  = ["models/", "releases/"]
    write_patterns = ["releases/*/events/*-staging-*"]
  } : null
  # Scoring runs (scores/<date>/) are kept for comparison; a job's intermediate feature
  # rows and predictions (scores-work/) only until the run has published.
  expiring_prefixes = {
    "scores/"      = var.score_retention_days
    "scores-work/" = 7
  }
}

# ---------------------------------------------------------------------------------------
# Images: training job, prediction API (Lambda), UI (ECS)
# ---------------------------------------------------------------------------------------

module "ecr" {
  source = "../modules/ecr"

  name_prefix              = var.name_prefix
  force_delete             = var.rehearsal
  lambda_pull_repositories = ["api"] # the prediction API runs as a container-image Lambda
  # Staging in an account of its own runs the release's API and UI images from here.
  shared_with = local.staging_elsewhere ? {
    account_id   = var.staging_account_id
    role_names   = "${local.staging_prefix}*"
    repositories = ["api", "ui"]
  } : null
}

# The release's pointer, kept in state: a rollback targets it with the task definition, so
# the output that reads it names the image that runs (Terraform updates only the outputs
# that depend on a targeted resource).
resource "terraform_data" "release" {
  input = var.training_image_digest
}

# ---------------------------------------------------------------------------------------
# The training job as an on-demand ECS task (the retrain workflow's "train in AWS")
# ---------------------------------------------------------------------------------------

module "training_task" {
  source = "../modules/training-task"

  name_prefix       = var.name_prefix
  repository_url    = module.ecr.repository_urls["training"]
  repository_arn    = module.ecr.repository_arns["training"]
  image_digest      = var.training_image_digest
  model_bucket_arn  = module.models.arn
  model_kms_key_arn = module.models.kms_key_arn

  permissions_boundary_arn = module.workload_boundary.arn
}

# ---------------------------------------------------------------------------------------
# Scoring the customer base with SageMaker Batch Transform (churn-score, score.yml)
# ---------------------------------------------------------------------------------------

module "batch_scoring" {
  source = "../modules/batch-scoring"

  name_prefix              = var.name_prefix
  model_bucket_arn         = module.models.arn
  model_kms_key_arn        = module.models.kms_key_arn
  work_prefix              = "scores-work/"
  permissions_boundary_arn = module.workload_boundary.arn
}

# ---------------------------------------------------------------------------------------
# The CI identities (GitHub OIDC; static-key user off by default) and the boundary every
# role the deploy role makes carries. An administrator applies them (the first apply of
# this stack); the deploy role may only read them.
# ---------------------------------------------------------------------------------------

# The state bucket's key (made by bootstrap): pull-request plans decrypt state with it.
data "aws_kms_alias" "state" {
  name = "alias/${var.state_bucket}"
}

module "workload_boundary" {
  source = "../modules/workload-boundary"

  name_prefix = var.name_prefix
}

module "ci_identity" {
  source = "../modules/ci-identity"

  permissions_boundary_arn = module.workload_boundary.arn

  name_prefix          = var.name_prefix
  github_repository    = var.github_repository
  create_oidc_provider = var.create_github_oidc_provider
  enable_static_user   = var.enable_static_ci_user
  staging              = var.enable_staging && !local.staging_elsewhere
  model_bucket_arn     = module.models.arn
  model_kms_key_arn    = module.models.kms_key_arn
  ecr_repository_arns  = values(module.ecr.repository_arns)
  state_kms_key_arn    = data.aws_kms_alias.state.target_key_arn
  state_bucket         = var.state_bucket

  batch_scoring = {
    role_arn         = module.batch_scoring.role_arn
    customers_prefix = var.customers_prefix
    scores_prefix    = "scores/"
    work_prefix      = module.batch_scoring.work_prefix
  }

  training_task = {
    cluster_arn            = module.training_task.cluster_arn
    task_definition_family = module.training_task.task_definition_family
    role_arns              = module.training_task.role_arns
    log_group_arn          = module.training_task.log_group_arn
  }
}
