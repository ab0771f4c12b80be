# The platform stack: what serves the model. Browser -> ALB -> Streamlit on ECS Fargate
# -> (SigV4) HTTP API v1 stage -> Lambda (FastAPI) -> SageMaker serverless endpoint.
# Its inputs are a release record's pointers (churn-stack plan --release): the release id,
# the images by digest and the model version; the retrain pull request bumps the version
# in model.auto.tfvars, which the next release records.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

# ---------------------------------------------------------------------------------------
# What the pipeline stack made, found by the names both stacks derive from its prefix
# ---------------------------------------------------------------------------------------

locals {
  account_id = data.aws_caller_identity.current.account_id
  # The pipeline's names: its own environment's, or the one a staging platform shares,
  # in this account or (staging in an account of its own) in the pipeline's.
  artifacts_prefix  = coalesce(var.artifacts_prefix, var.name_prefix)
  artifacts_account = coalesce(var.artifacts_account_id, local.account_id)
  artifacts_here    = local.artifacts_account == local.account_id
  model_bucket      = "${local.artifacts_prefix}models-${local.artifacts_account}"
  model_key_prefix  = "models/${var.model_version}/"
  bundle_manifest   = "bundle.json" # churn.artifacts.MANIFEST, written last by every publisher
}

# The release's pointers, kept in state. A rollback plans with -target on what the pointers
# reach, and Terraform updates only the outputs that depend on a targeted resource: the
# outputs read this one, so after a rollback they name what runs.
resource "terraform_data" "release" {
  input = {
    release_id    = var.release_id
    image_digests = var.image_digests
    model_version = var.model_version
  }
}

data "aws_s3_bucket" "models" {
  bucket = local.model_bucket
}

# The bundle main names must be published, and complete (its manifest is written last),
# before anything is applied: a fork's first deploy then stops at plan time with one line
# instead of half-applying a VPC and failing at the SageMaker model.
data "aws_s3_objects" "bundle_manifest" {
  bucket = data.aws_s3_bucket.models.id
  prefix = "${local.model_key_prefix}${local.bundle_manifest}"

  lifecycle {
    postcondition {
      condition     = contains(self.keys, "${local.model_key_prefix}${local.bundle_manifest}")
      error_message = "Model version ${var.model_version} has no complete bundle in s3://${local.model_bucket}/${local.model_key_prefix} (no ${local.bundle_manifest}): run the retrain workflow, or point model.auto.tfvars at a published version."
    }
  }
}

# By the alias's ARN, which names the account: KMS answers across accounts by ARN only.
data "aws_kms_key" "models" {
  key_id = "arn:${data.aws_partition.current.partition}:kms:${data.aws_region.current.name}:${local.artifacts_account}:alias/${local.model_bucket}"
}

data "aws_ecr_repository" "this" {
  for_each = toset(["api", "ui"])

  name        = "${local.artifacts_prefix}${each.key}"
  registry_id = local.artifacts_account
}

# The pipeline's workload boundary: every role here must carry it (the deploy role can
# create no role without it).
data "aws_iam_policy" "boundary" {
  name = "${local.artifacts_prefix}workload-boundary"
}

# ---------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------

module "vpc" {
  source = "../modules/vpc"

  name_prefix              = var.name_prefix
  cidr                     = var.vpc_cidr
  zone_count               = var.zone_count
  single_nat_gateway       = var.single_nat_gateway
  permissions_boundary_arn = data.aws_iam_policy.boundary.arn
}

module "alb_security_group" {
  source = "../modules/security-group"

  name        = "${var.name_prefix}alb"
  description = "The public load balancer: web traffic in, the UI tasks out"
  vpc_id      = module.vpc.vpc_id
  ingress_rules = [
    { description = "HTTP from anyone (redirects to HTTPS when a certificate is set)", from_port = 80, cidr_blocks = ["0.0.0.0/0"] },
    { description = "HTTPS from anyone", from_port = 443, cidr_blocks = ["0.0.0.0/0"] },
  ]
  egress_rules = [
    { description = "To the UI tasks in the VPC", from_port = var.ui_port, cidr_blocks = [module.vpc.cidr] },
  ]
}

module "ui_security_group" {
  source = "../modules/security-group"

  name        = "${var.name_prefix}ui"
  description = "The UI tasks: only the load balancer in, HTTPS out"
  vpc_id      = module.vpc.vpc_id
  ingress_rules = [
    { description = "Streamlit from the load balancer", from_port = var.ui_port, security_group_ids = [module.alb_security_group.id] },
  ]
  egress_rules = [
    { description = "HTTPS to the API, ECR and CloudWatch through the NAT gateways", from_port = 443, cidr_blocks = ["0.0.0.0/0"] },
  ]
}

# Training tasks (the pipeline's ECS task) run in the private subnets too, with no inbound.
module "training_security_group" {
  source = "../modules/security-group"

  name        = "${var.name_prefix}training"
  description = "The training task: no inbound, HTTPS out to S3, ECR and CloudWatch"
  vpc_id      = module.vpc.vpc_id
  egress_rules = [
    { description = "HTTPS to S3 (gateway endpoint), ECR and CloudWatch (NAT gateways)", from_port = 443, cidr_blocks = ["0.0.0.0/0"] },
  ]
}

# ---------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------

module "iam" {
  source = "../modules/iam"

  name_prefix                    = var.name_prefix
  partition                      = data.aws_partition.current.partition
  region                         = data.aws_region.current.name
  account_id                     = local.account_id
  model_bucket_arn               = data.aws_s3_bucket.models.arn
  model_kms_key_arn              = data.aws_kms_key.models.arn
  model_key_prefix               = local.model_key_prefix
  sagemaker_image_repository_arn = module.sagemaker_endpoint.image_repository_arn
  sagemaker_endpoint_arn         = module.sagemaker_endpoint.endpoint_arn
  ui_repository_arn              = data.aws_ecr_repository.this["ui"].arn
  ui_log_group_arn               = module.ui_task.log_group_arn
  lambda_log_group_arn           = module.lambda.log_group_arn
  api_execution_arn              = module.api_gateway.execution_arn
  api_stage                      = var.api_stage
  ssm_parameter_path             = var.ui_settings_in_ssm ? local.ui_parameter_path : null
  create_log_read_policy         = var.create_log_read_policy
  permissions_boundary_arn       = data.aws_iam_policy.boundary.arn
  # The smoke tests run as the pipeline's ml-engineer role (in its account only) and,
  # watching what it applied, this environment's deploy role (ci-identity's names). Both
  # must exist: IAM refuses a trust policy naming a role that does not.
  smoke_test_principal_arns = [
    for role in concat(local.artifacts_here ? ["${local.artifacts_prefix}ml-engineer"] : [], ["${var.name_prefix}terraform-deploy"]) :
    "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:role/${role}"
  ]
}

# ---------------------------------------------------------------------------------------
# Model serving: SageMaker endpoint, the API's Lambda, the HTTP API
# ---------------------------------------------------------------------------------------

module "sagemaker_endpoint" {
  source = "../modules/sagemaker-endpoint"

  name_prefix        = var.name_prefix
  model_data_url     = "s3://${local.model_bucket}/${local.model_key_prefix}model.tar.gz"
  execution_role_arn = module.iam.sagemaker_execution_role_arn
  memory_size_in_mb  = var.sagemaker_memory_size_in_mb
  max_concurrency    = var.sagemaker_max_concurrency
}

module "lambda" {
  source = "../modules/lambda"

  function_name        = "${var.name_prefix}prediction-api"
  image_uri            = "${data.aws_ecr_repository.this["api"].repository_url}@${var.image_digests.api}"
  role_arn             = module.iam.lambda_execution_role_arn
  reserved_concurrency = var.api_reserved_concurrency
  log_retention_days   = var.log_retention_days
  environment = {
    CHURN_BUNDLE             = "s3://${local.model_bucket}/${local.model_key_prefix}"
    CHURN_SCORES             = "s3://${local.model_bucket}/scores"
    CHURN_PREDICTOR          = "sagemaker"
    CHURN_SAGEMAKER_ENDPOINT = module.sagemaker_endpoint.endpoint_name
    CHURN_RELEASE            = var.release_id
  }
}

module "api_gateway" {
  source = "../modules/api-gateway"

  name                 = "${var.name_prefix}prediction-api"
  stage_name           = var.api_stage
  lambda_invoke_arn    = module.lambda.invoke_arn
  lambda_function_name = module.lambda.function_name
  log_retention_days   = var.log_retention_days
}

# ---------------------------------------------------------------------------------------
# The UI: ALB -> ECS Fargate service
# ---------------------------------------------------------------------------------------

module "alb" {
  source = "../modules/alb"

  name                = "${var.name_prefix}alb"
  vpc_id              = module.vpc.vpc_id
  subnet_ids          = module.vpc.public_subnet_ids
  security_group_ids  = [module.alb_security_group.id]
  target_port         = var.ui_port
  certificate_arn     = var.certificate_arn
  idle_timeout        = var.alb_idle_timeout
  deletion_protection = !var.rehearsal
}

# The rate limit per client address in front of the ALB (on unless waf_enabled = false).
module "waf" {
  source = "../modules/waf"
  count  = var.waf_enabled ? 1 : 0

  name               = "${var.name_prefix}ui"
  load_balancer_arn  = module.alb.arn
  rate_limit         = var.waf_rate_limit
  log_retention_days = var.log_retention_days
}

module "ecs" {
  source = "../modules/ecs"

  name = "${var.name_prefix}cluster"
}

# The UI's settings as SSM parameters (optional), which the task takes at start: change
# them without a new task definition. Not secrets (an address and an auth mode).
locals {
  ui_parameter_path = "/${var.name_prefix}ui"
}

resource "aws_ssm_parameter" "ui" {
  # checkov:skip=CKV2_AWS_34:Not secrets: the API's public address and its auth mode; a String parameter needs no KMS key.
  for_each = var.ui_settings_in_ssm ? {
    API_ENDPOINT = module.api_gateway.api_endpoint
    API_AUTH     = "iam"
  } : {}

  name  = "${local.ui_parameter_path}/${each.key}"
  type  = "String"
  value = each.value
}

module "ui_task" {
  source = "../modules/ecs-task-definition"

  family             = "${var.name_prefix}ui"
  image              = "${data.aws_ecr_repository.this["ui"].repository_url}@${var.image_digests.ui}"
  container_port     = var.ui_port
  execution_role_arn = module.iam.ecs_execution_role_arn
  task_role_arn      = module.iam.ecs_task_role_arn
  api_endpoint       = module.api_gateway.api_endpoint
  ssm_settings       = { for name, parameter in aws_ssm_parameter.ui : name => parameter.arn }
  log_retention_days = var.log_retention_days
}

module "ui_service" {
  source = "../modules/ecs-service"

  name                       = "${var.name_prefix}service"
  cluster_arn                = module.ecs.arn
  task_definition_arn        = module.ui_task.arn
  desired_count              = var.ui_desired_count
  schedule                   = var.ui_schedule
  capacity_provider_strategy = module.ecs.capacity_provider_strategy
  subnet_ids                 = module.vpc.private_subnet_ids
  security_group_ids         = [module.ui_security_group.id]
  target_group_arn           = module.alb.target_group_arn
  container_name             = module.ui_task.container_name
  container_port             = module.ui_task.container_port
  wait_for_steady_state      = var.wait_for_steady_state

  # The target group must be attached to a listener before a service can register in it.
  depends_on = [module.alb]
}
