# The pipeline stack: where models and images live, and (next) the training task and the
# ml-engineer identity CI acts as.

data "aws_caller_identity" "current" {}

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
}

# ---------------------------------------------------------------------------------------
# Images: training job, prediction API (Lambda), UI (ECS)
# ---------------------------------------------------------------------------------------

module "ecr" {
  source = "../modules/ecr"

  name_prefix  = var.name_prefix
  force_delete = var.rehearsal
}
