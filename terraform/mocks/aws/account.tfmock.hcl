# The AWS account the roots' tests plan against (mock_provider "aws" { source = ... }):
# what the data sources answer, so a mocked plan builds the names and ARNs the stacks
# derive from them. Shared by the roots' tests and the modules' that build ARNs.

mock_data "aws_availability_zones" {
  defaults = { names = ["eu-central-1a", "eu-central-1b"] }
}

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_ecr_repository" {
  defaults = {
    arn            = "arn:aws:ecr:eu-central-1:123456789012:repository/teleco-customer-churn-ui"
    repository_url = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/teleco-customer-churn-ui"
  }
}

mock_data "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::teleco-customer-churn-models-123456789012" }
}

mock_data "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
}

mock_data "aws_kms_alias" {
  defaults = { target_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
}

mock_data "aws_iam_policy" {
  defaults = { arn = "arn:aws:iam::123456789012:policy/teleco-customer-churn-workload-boundary" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_region" {
  defaults = { name = "eu-central-1" }
}

mock_data "aws_sagemaker_prebuilt_ecr_image" {
  defaults = {
    registry_id   = "492215442770"
    registry_path = "492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
