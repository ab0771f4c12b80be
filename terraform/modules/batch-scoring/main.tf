# The role SageMaker Batch Transform assumes when `churn-score --engine batch-transform`
# scores the customer base: it reads the bundle's model.tar.gz and the prepared feature
# rows, and writes the predictions, all in the model bucket; it pulls AWS's prebuilt
# XGBoost image and writes the job's logs. Nothing else: the customer base itself and the
# published scores are read and written by churn-score (the ml-engineer identity), never
# by the job. https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

# The same prebuilt image the endpoint serves the bundle with.
data "aws_sagemaker_prebuilt_ecr_image" "xgboost" {
  repository_name = "sagemaker-xgboost"
  image_tag       = var.xgboost_image_tag
}

locals {
  name      = "${var.name_prefix}batch-scoring"
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  account   = data.aws_caller_identity.current.account_id
  image_repository_arn = join(":", [
    "arn:${local.partition}:ecr:${local.region}",
    "${data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_id}:repository/sagemaker-xgboost",
  ])
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }

    # Only on behalf of this account's resources (the confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${local.name}-role"
  description          = "What a batch-scoring transform job may do: read the model and features, write predictions"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  permissions_boundary = var.permissions_boundary_arn
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ListTheWork"
    actions   = ["s3:ListBucket"]
    resources = [var.model_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.work_prefix}*"]
    }
  }

  statement {
    sid       = "ReadTheModel"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/${var.model_key_prefix}*"]
  }

  statement {
    sid       = "ReadFeaturesWritePredictions"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.model_bucket_arn}/${var.work_prefix}*"]
  }

  statement {
    sid       = "UseTheBucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
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
    resources = [local.image_repository_arn]
  }

  statement {
    sid       = "WriteJobLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/sagemaker/TransformJobs*"]
  }

  statement {
    sid       = "PublishJobMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource-level scope; the namespace condition narrows it

    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/*", "AWS/SageMaker"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "read-model-and-features-write-predictions"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
