# The model served by SageMaker's own XGBoost 1.7-1 container (no image of ours to build),
# on a serverless endpoint: no instance to run when nobody scores.
#
# Serverless endpoints exclude VPC configuration, network isolation, data capture, KMS
# keys and more than one production variant; AWS rejects them at create time, moto does
# not (policies/aws_limits.py checks them instead):
# https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html#serverless-endpoints-how-it-works-exclusions
#
# A new model version must not take the endpoint down: the model and the endpoint
# configuration get new names and are created before the old ones are destroyed, and the
# endpoint switches configurations in place (SageMaker keeps serving the old one until
# the new one is in service).

data "aws_sagemaker_prebuilt_ecr_image" "xgboost" {
  repository_name = "sagemaker-xgboost"
  image_tag       = var.xgboost_image_tag
}

locals {
  # The model's name follows everything that forces its replacement, so the replacement
  # (created before the old one is destroyed) never collides with the old name.
  model_suffix = substr(sha1(jsonencode([
    var.model_data_url,
    data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path,
    var.execution_role_arn,
  ])), 0, 8)
}

resource "aws_sagemaker_model" "this" {
  # checkov:skip=CKV_AWS_370:Network isolation is one of the serverless exclusions: AWS rejects the endpoint with it (see the top of this file).
  name               = "${var.name_prefix}xgboost-${local.model_suffix}"
  execution_role_arn = var.execution_role_arn

  primary_container {
    image          = data.aws_sagemaker_prebuilt_ecr_image.xgboost.registry_path
    mode           = "SingleModel"
    model_data_url = var.model_data_url
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  # checkov:skip=CKV_AWS_98:Serverless endpoints take no KMS key (SageMaker rejects KmsKeyId for serverless variants); storage is AWS-managed and encrypted.
  name_prefix = "${var.name_prefix}xgboost-"

  production_variants {
    variant_name = "AllTraffic"
    model_name   = aws_sagemaker_model.this.name

    serverless_config {
      memory_size_in_mb = var.memory_size_in_mb
      max_concurrency   = var.max_concurrency
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The provider (5.x) has no timeouts block for this resource; its own waiter polls until
# the endpoint is InService, which for a serverless endpoint can take over ten minutes.
resource "aws_sagemaker_endpoint" "this" {
  name                 = "${var.name_prefix}xgboost-endpoint"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.this.name
}

data "aws_partition" "current" {}

data "aws_region" "current" {}
