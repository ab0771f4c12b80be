# The platform's four service roles, each with one scoped inline policy (no *FullAccess):
# SageMaker runs the endpoint, ECS pulls and logs the UI, the UI task signs calls to the
# API, Lambda serves the API. And the smoke-test role the deploy's smoke test acts as.

locals {
  bundle_objects = "${var.model_bucket_arn}/${var.model_key_prefix}*"
}

data "aws_iam_policy_document" "trust" {
  for_each = {
    sagemaker-execution = "sagemaker.amazonaws.com"
    ecs-execution       = "ecs-tasks.amazonaws.com"
    ecs-task            = "ecs-tasks.amazonaws.com"
    lambda-execution    = "lambda.amazonaws.com"
  }

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [each.value]
    }

    # Only on behalf of this account's resources (the confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = data.aws_iam_policy_document.trust

  name                 = "${var.name_prefix}${each.key}-role"
  assume_role_policy   = each.value.json
  permissions_boundary = var.permissions_boundary_arn
}

# ---------------------------------------------------------------------------------------
# SageMaker: read the model artifact, pull the prebuilt image, write endpoint logs
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "sagemaker" {
  statement {
    sid       = "ReadTheModel"
    actions   = ["s3:GetObject"]
    resources = [local.bundle_objects]
  }

  statement {
    sid       = "DecryptTheModel"
    actions   = ["kms:Decrypt"]
    resources = [var.model_kms_key_arn]
  }

  statement {
    sid       = "LogInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # this action has no resource-level scope
  }

  statement {
    sid       = "PullTheServingImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [var.sagemaker_image_repository_arn]
  }

  # https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html (CreateModel API)
  statement {
    sid       = "WriteEndpointLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:/aws/sagemaker/Endpoints/*"]
  }

  statement {
    sid       = "PublishEndpointMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource-level scope; the namespace condition narrows it

    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/*", "AWS/SageMaker"]
    }
  }
}

# ---------------------------------------------------------------------------------------
# ECS execution: pull the UI image, write the UI's logs
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_execution" {
  statement {
    sid       = "LogInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # this action has no resource-level scope
  }

  statement {
    sid       = "PullTheUiImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [var.ui_repository_arn]
  }

  statement {
    sid       = "WriteUiLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.ui_log_group_arn}:*"]
  }
}

# ---------------------------------------------------------------------------------------
# ECS task (the UI itself): call the API's v1 stage with SigV4
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_task" {
  statement {
    sid       = "CallThePredictionApi"
    actions   = ["execute-api:Invoke"]
    resources = ["${var.api_execution_arn}/${var.api_stage}/*"]
  }
}

# ---------------------------------------------------------------------------------------
# Lambda: read the bundle's spec, invoke the endpoint, write logs and traces
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda" {
  statement {
    sid       = "ReadTheBundle"
    actions   = ["s3:GetObject"]
    resources = [local.bundle_objects]
  }

  statement {
    sid       = "ListTheBundle"
    actions   = ["s3:ListBucket"]
    resources = [var.model_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.model_key_prefix}*", "${var.scores_key_prefix}*"]
    }
  }

  # /v1/scores: the latest published scoring run (summary, drift report, top customers).
  statement {
    sid       = "ReadTheScores"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/${var.scores_key_prefix}*"]
  }

  statement {
    sid       = "DecryptTheBundle"
    actions   = ["kms:Decrypt"]
    resources = [var.model_kms_key_arn]
  }

  # DescribeEndpoint: /v1/health reports the endpoint's status.
  statement {
    sid       = "InvokeTheEndpoint"
    actions   = ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"]
    resources = [var.sagemaker_endpoint_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.lambda_log_group_arn}:*"]
  }

  statement {
    sid       = "WriteTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray's write actions have no resource-level scope
  }
}

# ---------------------------------------------------------------------------------------
# Smoke test: the deploy's signed POST /v1/predictions, on this API only
# ---------------------------------------------------------------------------------------

# ml-engineer, made by an administrator before this API existed, cannot name the API in its
# own policy; it may assume this role, whose one permission names it exactly. The trust
# names its principals directly (they must exist), which is also what an IAM analyzer
# follows: PMapper evaluates no aws:PrincipalArn condition on a trust of the account root.
data "aws_iam_policy_document" "smoke_test_trust" {
  count = length(var.smoke_test_principal_arns) > 0 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = var.smoke_test_principal_arns
    }
  }
}

resource "aws_iam_role" "smoke_test" {
  count = length(data.aws_iam_policy_document.smoke_test_trust)

  name                 = "${var.name_prefix}smoke-test-role"
  assume_role_policy   = data.aws_iam_policy_document.smoke_test_trust[0].json
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
}

# The ARN's resource path leaves the stage's prefix out: api-id/stage/VERB/path-after-stage
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html).
data "aws_iam_policy_document" "smoke_test" {
  statement {
    sid       = "ScoreThroughThisApi"
    actions   = ["execute-api:Invoke"]
    resources = ["${var.api_execution_arn}/${var.api_stage}/POST/predictions"]
  }
}

resource "aws_iam_role_policy" "smoke_test" {
  count = length(aws_iam_role.smoke_test)

  name   = "least-privilege"
  role   = aws_iam_role.smoke_test[0].id
  policy = data.aws_iam_policy_document.smoke_test.json
}

# One policy resource per role, so each role's output can wait for its own policy only
# (a role without its rights yet makes the first SageMaker or Lambda call fail).

resource "aws_iam_role_policy" "sagemaker_execution" {
  name   = "least-privilege"
  role   = aws_iam_role.this["sagemaker-execution"].id
  policy = data.aws_iam_policy_document.sagemaker.json
}

resource "aws_iam_role_policy" "ecs_execution" {
  name   = "least-privilege"
  role   = aws_iam_role.this["ecs-execution"].id
  policy = data.aws_iam_policy_document.ecs_execution.json
}

resource "aws_iam_role_policy" "ecs_task" {
  name   = "least-privilege"
  role   = aws_iam_role.this["ecs-task"].id
  policy = data.aws_iam_policy_document.ecs_task.json
}

resource "aws_iam_role_policy" "lambda_execution" {
  name   = "least-privilege"
  role   = aws_iam_role.this["lambda-execution"].id
  policy = data.aws_iam_policy_document.lambda.json
}

# ---------------------------------------------------------------------------------------
# Optional: the UI's settings from SSM parameters, and a log-reading policy for people
# ---------------------------------------------------------------------------------------

locals {
  parameter_arn_prefix = "arn:${var.partition}:ssm:${var.region}:${var.account_id}:parameter"
  # The project's log groups: the Lambda, the API's access logs, the UI, the endpoint.
  project_log_groups = [
    for group in [
      "/aws/lambda/${var.name_prefix}*",
      "/aws/apigateway/${var.name_prefix}*",
      "/ecs/${var.name_prefix}*",
      "/aws/sagemaker/Endpoints/${var.name_prefix}*",
    ] : "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:${group}"
  ]
}

data "aws_iam_policy_document" "ecs_execution_ssm" {
  count = var.ssm_parameter_path == null ? 0 : 1

  # ECS reads the task's `secrets` at start with the execution role.
  statement {
    sid       = "ReadUiSettings"
    actions   = ["ssm:GetParameters"]
    resources = ["${local.parameter_arn_prefix}${var.ssm_parameter_path}/*"]
  }
}

resource "aws_iam_role_policy" "ecs_execution_ssm" {
  count = var.ssm_parameter_path == null ? 0 : 1

  name   = "read-ui-settings"
  role   = aws_iam_role.this["ecs-execution"].id
  policy = data.aws_iam_policy_document.ecs_execution_ssm[0].json
}

data "aws_iam_policy_document" "log_read" {
  count = var.create_log_read_policy ? 1 : 0

  statement {
    sid       = "ReadTheProjectsLogs"
    actions   = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"]
    resources = concat(local.project_log_groups, [for group in local.project_log_groups : "${group}:*"])
  }
}

resource "aws_iam_policy" "log_read" {
  count = var.create_log_read_policy ? 1 : 0

  name        = "${var.name_prefix}read-logs"
  description = "Read the project's CloudWatch logs (Lambda, API access, UI, endpoint); attach it to the people who operate the project"
  policy      = data.aws_iam_policy_document.log_read[0].json
}
