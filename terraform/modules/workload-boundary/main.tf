# The workload boundary: the most any role the deploy role creates may ever do. The union
# of what the stacks' service roles need (SageMaker, Lambda, ECS, flow logs, the training
# task), on the project's names where the service has names. A role's own policy narrows
# it further; the boundary is what a role cannot exceed, whatever policy the deploy role
# writes into it (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html).
# An administrator applies it (the pipeline's first apply); the deploy role may not change it.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ProjectBucketsAndObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.name_prefix}*"]
  }

  statement {
    sid     = "ProjectKeysDataOnly"
    actions = ["kms:Decrypt", "kms:GenerateDataKey"]
    # In staging's own account, the bundles' key is the pipeline's, in its account.
    resources = [for account in compact([local.account, var.artifacts_account_id]) : "arn:${local.partition}:kms:${local.region}:${account}:key/*"]
  }

  statement {
    sid       = "LogInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # this action has no resource-level scope
  }

  # Any account's repositories: SageMaker pulls its prebuilt image from AWS's own.
  statement {
    sid       = "PullImages"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = ["arn:${local.partition}:ecr:${local.region}:*:repository/*"]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:*"]
  }

  statement {
    sid       = "MetricsAndTraces"
    actions   = ["cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # none of these has a resource-level scope
  }

  statement {
    sid       = "UseTheEndpoint"
    actions   = ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"]
    resources = ["arn:${local.partition}:sagemaker:${local.region}:${local.account}:endpoint/${var.name_prefix}*"]
  }

  statement {
    sid       = "CallTheApi"
    actions   = ["execute-api:Invoke"]
    resources = ["arn:${local.partition}:execute-api:${local.region}:${local.account}:*"]
  }

  statement {
    sid       = "ReadUiSettings"
    actions   = ["ssm:GetParameters"]
    resources = ["arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/${var.name_prefix}*"]
  }
}

resource "aws_iam_policy" "this" {
  name        = "${var.name_prefix}workload-boundary"
  description = "Permissions boundary every role the deploy role creates must carry"
  policy      = data.aws_iam_policy_document.this.json
}
