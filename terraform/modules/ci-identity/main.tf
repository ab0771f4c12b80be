# The ml-engineer identity CI acts as: a role that only this repository's main branch and
# production environment can assume through GitHub's OIDC provider, with the S3 and ECR
# rights the train / build-and-push workflows need (and, when given, the right to start
# the ECS training task and read its logs). The original design's static-key IAM
# user stays available behind enable_static_user (off by default).

locals {
  name       = "${var.name_prefix}ml-engineer"
  oidc_host  = "token.actions.githubusercontent.com"
  repository = "repo:${var.github_repository}"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
}

locals {
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.oidc_host}"
}

locals {
  # Who may assume each identity: the token's exact subject (no wildcards). A fork, or a
  # pull request for the ml-engineer and deploy roles, never matches.
  trusted_subjects = {
    ml-engineer = [
      "${local.repository}:ref:refs/heads/${var.github_branch}",
      "${local.repository}:environment:${var.github_environment}",
    ]
    # Pull requests plan for review; the deploy plans on main before its apply job.
    terraform-plan = [
      "${local.repository}:pull_request",
      "${local.repository}:ref:refs/heads/${var.github_branch}",
    ]
    terraform-deploy = ["${local.repository}:environment:${var.github_environment}"]
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.trusted_subjects

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = local.name
  description          = "What the GitHub workflows of ${var.github_repository} act as"
  assume_role_policy   = data.aws_iam_policy_document.trust["ml-engineer"].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "permissions" {
  statement {
    sid       = "ListBundles"
    actions   = ["s3:ListBucket"]
    resources = [var.model_bucket_arn]
  }

  statement {
    sid       = "ReadWriteBundles"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.model_bucket_arn}/models/*"]
  }

  statement {
    sid       = "ReadTrainingData"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/data/*"]
  }

  statement {
    sid       = "UseTheBundleKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.model_kms_key_arn]
  }

  statement {
    sid       = "LogInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # this action has no resource-level scope
  }

  # The deploy's smoke test: signed POST /v1/predictions on the v1 stage of any of this
  # account's HTTP APIs (the platform, which creates the API, is applied after this stack).
  # The ARN's resource path leaves the stage out: api-id/stage/VERB/path-after-the-stage
  # (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html).
  statement {
    sid       = "SmokeTestTheApi"
    actions   = ["execute-api:Invoke"]
    resources = ["arn:${data.aws_partition.current.partition}:execute-api:*:${data.aws_caller_identity.current.account_id}:*/${var.api_stage}/POST/predictions"]
  }

  statement {
    sid = "PushImages"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
      "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
    ]
    resources = var.ecr_repository_arns
  }
}

data "aws_iam_policy_document" "training" {
  count = var.training_task == null ? 0 : 1

  # Task definition revisions change on every apply; the family's ARN with any revision.
  statement {
    sid       = "RunTheTrainingTask"
    actions   = ["ecs:RunTask"]
    resources = ["${local.task_definition_arn_prefix}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.training_task.cluster_arn]
    }
  }

  # The launcher reads the log group from the task definition. DescribeTaskDefinition has
  # no resource-level scope (ECS's service authorization reference lists no resource type).
  statement {
    sid       = "ReadTheTrainingTaskDefinition"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "WatchTheTrainingTask"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = ["${local.task_arn_prefix}/*"]
  }

  statement {
    sid       = "HandTheTaskItsRoles"
    actions   = ["iam:PassRole"]
    resources = var.training_task.role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadTheTrainingLogs"
    actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = ["${var.training_task.log_group_arn}:*"]
  }

  # The launcher finds the platform's private subnets and the training security group by name.
  statement {
    sid       = "FindTheTrainingNetwork"
    actions   = ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"]
    resources = ["*"] # Describe* calls have no resource-level scope
  }
}

locals {
  # arn:aws:ecs:<region>:<account>:cluster/<name> -> the same account's task and task-definition ARNs
  ecs_arn_base               = var.training_task == null ? "" : regex("^(.*):cluster/", var.training_task.cluster_arn)[0]
  task_definition_arn_prefix = var.training_task == null ? "" : "${local.ecs_arn_base}:task-definition/${var.training_task.task_definition_family}"
  task_arn_prefix            = var.training_task == null ? "" : replace(var.training_task.cluster_arn, ":cluster/", ":task/")
}

data "aws_iam_policy_document" "combined" {
  source_policy_documents = compact([
    data.aws_iam_policy_document.permissions.json,
    try(data.aws_iam_policy_document.training[0].json, ""),
  ])
}

resource "aws_iam_policy" "this" {
  name        = local.name
  description = "S3, ECR and training-task rights of the ml-engineer identity"
  policy      = data.aws_iam_policy_document.combined.json
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.this.name
  policy_arn = aws_iam_policy.this.arn
}

# ---------------------------------------------------------------------------------------
# The original design's static-key user (off by default)
# ---------------------------------------------------------------------------------------

resource "aws_iam_user" "static" {
  # checkov:skip=CKV_AWS_273:Kept only as the documented fallback of the original design, off by default.
  count = var.enable_static_user ? 1 : 0
  name  = local.name
}

resource "aws_iam_access_key" "static" {
  count = var.enable_static_user ? 1 : 0
  user  = aws_iam_user.static[0].name
}

resource "aws_iam_user_policy_attachment" "static" {
  count      = var.enable_static_user ? 1 : 0
  user       = aws_iam_user.static[0].name
  policy_arn = aws_iam_policy.this.arn
}

# ---------------------------------------------------------------------------------------
# Terraform's identities: a read-only planner for pull requests, a deployer for production
# ---------------------------------------------------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${var.name_prefix}terraform-plan"
  description          = "Read-only: plans the stacks for pull requests of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["terraform-plan"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}

data "aws_iam_policy_document" "plan_state" {
  statement {
    sid       = "DecryptTheState"
    actions   = ["kms:Decrypt"]
    resources = [var.state_kms_key_arn]
  }

  # A deploy's plan jobs hand their saved plans to its apply job through plans/<run>/ of
  # the state bucket (the apply job checks each plan's SHA-256 from the plan job's output).
  statement {
    sid       = "HandOverSavedPlans"
    actions   = ["s3:PutObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}/plans/*"]
  }

  statement {
    sid       = "EncryptSavedPlans"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.state_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "plan_state" {
  name   = "read-state-hand-over-plans"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan_state.json
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.name_prefix}terraform-deploy"
  description          = "Applies the pipeline and platform stacks from the production environment of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["terraform-deploy"].json
  max_session_duration = 7200 # a serverless endpoint can take more than ten minutes to come up
}

# Everything but IAM (PowerUserAccess), plus IAM on the project's own names only: the
# deployer cannot touch any role, policy or user that is not the project's.
resource "aws_iam_role_policy_attachment" "deploy_power_user" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/PowerUserAccess"
}

data "aws_iam_policy_document" "deploy_iam" {
  statement {
    sid     = "ManageTheProjectsIam"
    actions = ["iam:*"]
    resources = [
      "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.name_prefix}*",
      "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/${var.name_prefix}*",
      "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:user/${var.name_prefix}*",
      "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.oidc_host}",
    ]
  }

  statement {
    sid       = "CreateServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/*"]
  }

  statement {
    sid       = "ReadAwsManagedPolicies"
    actions   = ["iam:GetPolicy", "iam:GetPolicyVersion"]
    resources = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/*"]
  }
}

resource "aws_iam_role_policy" "deploy_iam" {
  name   = "project-iam"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy_iam.json
}
