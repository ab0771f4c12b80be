# Staging in an AWS account of its own: the identities its deploy acts as there, made once
# by that account's administrator (local state, as bootstrap: nothing else exists here
# yet). The pipeline stays in production's account (the bundles, the release log, the
# images, the state bucket), which shares them with staging's roles here (the pipeline's
# and bootstrap's staging_account_id). Both sides must allow every cross-account call:
# these roles' policies name production's resources, and those resources' policies name
# these roles.

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  # The pipeline's names (terraform/pipeline, modules/ecr), in its account.
  model_bucket_arn    = "arn:${local.partition}:s3:::${var.name_prefix}models-${var.artifacts_account_id}"
  ecr_repository_arns = [for image in ["api", "ui"] : "arn:${local.partition}:ecr:${local.region}:${var.artifacts_account_id}:repository/${var.name_prefix}${image}"]
}

# Every role staging's deploy role makes here carries it (the platform finds it by name).
module "workload_boundary" {
  source = "../modules/workload-boundary"

  name_prefix          = var.name_prefix
  artifacts_account_id = var.artifacts_account_id
}

# The GitHub OIDC provider, staging's read-only plan role and staging's deploy role.
module "ci_identity" {
  source = "../modules/ci-identity"

  permissions_boundary_arn = module.workload_boundary.arn

  name_prefix          = var.name_prefix
  github_repository    = var.github_repository
  create_oidc_provider = var.create_github_oidc_provider
  artifacts_account_id = var.artifacts_account_id
  model_bucket_arn     = local.model_bucket_arn
  model_kms_key_arn    = var.model_kms_key_arn
  ecr_repository_arns  = local.ecr_repository_arns
  state_bucket         = var.state_bucket
  state_kms_key_arn    = var.state_kms_key_arn
}
