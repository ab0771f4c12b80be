# The account this module's tests plan against (mock_provider "aws" { source = ... }):
# three zones, so a test can tell "one per zone" from "one in all", and the real-looking
# ARNs the flow log wants for its destination and role.

mock_data "aws_availability_zones" {
  defaults = { names = ["eu-central-1a", "eu-central-1b", "eu-central-1c"] }
}

mock_data "aws_region" {
  defaults = { name = "eu-central-1" }
}

mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/teleco-customer-churn/vpc-flow" }
}

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/teleco-customer-churn-vpc-flow-logs-role" }
}
