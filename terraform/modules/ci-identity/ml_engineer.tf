# ---------------------------------------------------------------------------------------
# ml-engineer: trains, publishes bundles, pushes images, scores, smoke-tests
# ---------------------------------------------------------------------------------------

resource "aws_iam_role" "this" {
  count = local.artifacts_here ? 1 : 0

  name                 = "${var.name_prefix}ml-engineer"
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

  # Publish new bundles and read any: no delete, and the bucket's policy refuses a write
  # that could overwrite a published object (conditional writes only).
  statement {
    sid       = "PublishAndReadBundles"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.model_bucket_arn}/models/*"]
  }

  # Release records and their events (churn-release): written once like bundles, read by
  # the gates and the rollback.
  statement {
    sid       = "RecordAndReadReleases"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.model_bucket_arn}/releases/*"]
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

  # The deploy's smoke test: this stack cannot name the API (the platform, applied after it,
  # creates the API, and execute-api has no condition keys to name it otherwise), so the
  # platform makes a role that may invoke exactly that API's POST /v1/predictions, and
  # trusts ml-engineer to assume it.
  statement {
    sid       = "SmokeTestTheApi"
    actions   = ["sts:AssumeRole"]
    resources = ["${local.iam}:role/${var.name_prefix}smoke-test-role"]
  }

  statement {
    sid = "PushImages"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
      "ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:InitiateLayerUpload", "ecr:PutImage",
      "ecr:UploadLayerPart",
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

# Scoring the customer base: churn-score reads customers/, prepares the job's work, starts
# and watches one transform job (on a model named after the bundle version) and publishes
# scores/<date>/. Names it may create: <prefix>score-*.
data "aws_iam_policy_document" "scoring" {
  count = var.batch_scoring == null ? 0 : 1

  statement {
    sid       = "ReadTheCustomerBase"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/${var.batch_scoring.customers_prefix}*"]
  }

  # scores.csv goes up as a multipart upload, aborted when a run fails (PutObject covers
  # the upload's other calls; the abort is its own action).
  statement {
    sid       = "WriteScoresAndTheirWork"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [for prefix in [var.batch_scoring.scores_prefix, var.batch_scoring.work_prefix] : "${var.model_bucket_arn}/${prefix}*"]
  }

  statement {
    sid       = "MakeTheScoringModel"
    actions   = ["sagemaker:CreateModel", "sagemaker:DescribeModel"]
    resources = ["${local.sagemaker_arn}:model/${var.name_prefix}score-*"]
  }

  # CreateTransformJob with Tags also needs AddTags on the job.
  statement {
    sid       = "RunAndWatchTheTransformJob"
    actions   = ["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob", "sagemaker:AddTags"]
    resources = ["${local.sagemaker_arn}:transform-job/${var.name_prefix}score-*"]
  }

  statement {
    sid       = "HandTheJobItsRole"
    actions   = ["iam:PassRole"]
    resources = [var.batch_scoring.role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }
}

locals {
  sagemaker_arn = "arn:${local.partition}:sagemaker:${local.region}:${local.account}"
  # arn:aws:ecs:<region>:<account>:cluster/<name> -> the same account's task and task-definition ARNs
  ecs_arn_base               = var.training_task == null ? "" : regex("^(.*):cluster/", var.training_task.cluster_arn)[0]
  task_definition_arn_prefix = var.training_task == null ? "" : "${local.ecs_arn_base}:task-definition/${var.training_task.task_definition_family}"
  task_arn_prefix            = var.training_task == null ? "" : replace(var.training_task.cluster_arn, ":cluster/", ":task/")
}

data "aws_iam_policy_document" "combined" {
  source_policy_documents = compact([
    data.aws_iam_policy_document.permissions.json,
    try(data.aws_iam_policy_document.training[0].json, ""),
    try(data.aws_iam_policy_document.scoring[0].json, ""),
  ])
}

resource "aws_iam_policy" "this" {
  count = local.artifacts_here ? 1 : 0

  name        = local.name
  description = "S3, ECR and training-task rights of the ml-engineer identity"
  policy      = data.aws_iam_policy_document.combined.json
}

resource "aws_iam_role_policy_attachment" "this" {
  count = local.artifacts_here ? 1 : 0

  role       = aws_iam_role.this[0].name
  policy_arn = aws_iam_policy.this[0].arn
}

moved {
  from = aws_iam_role.this
  to   = aws_iam_role.this[0]
}

moved {
  from = aws_iam_policy.this
  to   = aws_iam_policy.this[0]
}

moved {
  from = aws_iam_role_policy_attachment.this
  to   = aws_iam_role_policy_attachment.this[0]
}

# ---------------------------------------------------------------------------------------
# The original design's static-key user (off by default)
# ---------------------------------------------------------------------------------------

resource "aws_iam_user" "static" {
  # checkov:skip=CKV_AWS_273:Kept only as the documented fallback of the original design, off by default.
  count = var.enable_static_user && var.artifacts_account_id == null ? 1 : 0
  name  = local.name
}

resource "aws_iam_access_key" "static" {
  count = var.enable_static_user && var.artifacts_account_id == null ? 1 : 0
  user  = aws_iam_user.static[0].name
}

resource "aws_iam_user_policy_attachment" "static" {
  count      = var.enable_static_user && var.artifacts_account_id == null ? 1 : 0
  user       = aws_iam_user.static[0].name
  policy_arn = aws_iam_policy.this[0].arn
}
