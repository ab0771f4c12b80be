# The prediction API as a container-image Lambda (FastAPI through Mangum). It runs
# outside the VPC on purpose: it only calls public AWS APIs (S3, SageMaker runtime), and
# a VPC would add NAT traffic and ENI set-up for nothing.

locals {
  log_group_name = "/aws/lambda/${var.function_name}"
}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158:The API never logs customer fields (tested); AWS-managed encryption at rest.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_117:Outside the VPC by design: it only calls public AWS APIs (see the comment at the top).
  # checkov:skip=CKV_AWS_116:Invoked synchronously by API Gateway; a dead-letter queue only applies to async invocations.
  # checkov:skip=CKV_AWS_272:Code signing applies to zip packages; this is a container image from our own immutable-tag ECR.
  # checkov:skip=CKV_AWS_173:The environment holds names and settings, no secrets; AWS-managed encryption at rest.
  function_name                  = var.function_name
  description                    = "Churn prediction API (FastAPI via Mangum)"
  role                           = var.role_arn
  package_type                   = "Image"
  image_uri                      = var.image_uri
  architectures                  = ["x86_64"]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "Text" # the app already writes one JSON object per line
    log_group  = aws_cloudwatch_log_group.this.name
  }
}
