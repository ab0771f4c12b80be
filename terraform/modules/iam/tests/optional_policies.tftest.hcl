# The optional policies: none by default; with a parameter path, the ECS execution role may
# read exactly that path; with the log policy, it reads only the project's log groups.
# Planned with a mocked provider.

mock_provider "aws" {
  # A mocked document's JSON must still be a policy for the roles that take it.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name_prefix                    = "teleco-customer-churn-"
  region                         = "eu-central-1"
  account_id                     = "123456789012"
  model_bucket_arn               = "arn:aws:s3:::teleco-customer-churn-models-123456789012"
  model_kms_key_arn              = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  model_key_prefix               = "models/20261124T001109Z-b4f6bc/"
  sagemaker_image_repository_arn = "arn:aws:ecr:eu-central-1:492215442770:repository/sagemaker-xgboost"
  sagemaker_endpoint_arn         = "arn:aws:sagemaker:eu-central-1:123456789012:endpoint/teleco-customer-churn-xgboost-endpoint"
  ui_repository_arn              = "arn:aws:ecr:eu-central-1:123456789012:repository/teleco-customer-churn-ui"
  ui_log_group_arn               = "arn:aws:logs:eu-central-1:123456789012:log-group:/ecs/teleco-customer-churn-ui"
  lambda_log_group_arn           = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/teleco-customer-churn-prediction-api"
  api_execution_arn              = "arn:aws:execute-api:eu-central-1:123456789012:abc123"
  permissions_boundary_arn       = "arn:aws:iam::123456789012:policy/teleco-customer-churn-workload-boundary"
}

run "no_optional_policy_by_default" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.ecs_execution_ssm) == 0 && length(aws_iam_policy.log_read) == 0
    error_message = "the optional policies must be off by default"
  }
}

run "the_execution_role_reads_the_ui_settings_path" {
  command = plan

  variables {
    ssm_parameter_path = "/teleco-customer-churn-ui"
  }

  assert {
    condition     = one(data.aws_iam_policy_document.ecs_execution_ssm[0].statement).resources == toset(["arn:aws:ssm:eu-central-1:123456789012:parameter/teleco-customer-churn-ui/*"])
    error_message = "the execution role must read exactly the UI's parameter path"
  }

  assert {
    condition     = one(data.aws_iam_policy_document.ecs_execution_ssm[0].statement).actions == toset(["ssm:GetParameters"])
    error_message = "reading the parameters is all the execution role needs"
  }
}

run "the_log_policy_reads_only_the_projects_log_groups" {
  command = plan

  variables {
    create_log_read_policy = true
  }

  assert {
    condition     = aws_iam_policy.log_read[0].name == "teleco-customer-churn-read-logs"
    error_message = "the policy is named with the prefix"
  }

  assert {
    condition     = alltrue([for arn in one(data.aws_iam_policy_document.log_read[0].statement).resources : can(regex("^arn:aws:logs:eu-central-1:123456789012:log-group:/(aws/lambda|aws/apigateway|ecs|aws/sagemaker/Endpoints)/teleco-customer-churn-", arn))])
    error_message = "only the project's log groups may be read"
  }
}

run "a_parameter_path_with_a_trailing_slash_is_refused" {
  command = plan

  variables {
    ssm_parameter_path = "/teleco-customer-churn-ui/"
  }

  expect_failures = [var.ssm_parameter_path]
}

run "every_role_carries_the_boundary_and_trusts_only_this_account" {
  command = plan

  assert {
    condition     = alltrue([for role in aws_iam_role.this : role.permissions_boundary == var.permissions_boundary_arn])
    error_message = "every service role must carry the workload boundary (the deploy role can create no other)"
  }

  assert {
    condition     = alltrue([for trust in data.aws_iam_policy_document.trust : one(one(trust.statement).condition).variable == "aws:SourceAccount" && toset(one(one(trust.statement).condition).values) == toset(["123456789012"])])
    error_message = "every service trust must name this account (aws:SourceAccount)"
  }
}

run "no_smoke_test_role_without_principals" {
  command = plan

  assert {
    condition     = length(aws_iam_role.smoke_test) == 0 && length(aws_iam_role_policy.smoke_test) == 0
    error_message = "the smoke-test role exists only for the identities that may assume it"
  }
}

run "the_smoke_test_role_may_only_post_predictions_to_this_api" {
  command = plan

  variables {
    smoke_test_principal_arns = ["arn:aws:iam::123456789012:role/teleco-customer-churn-ml-engineer"]
  }

  assert {
    condition     = aws_iam_role.smoke_test[0].name == "teleco-customer-churn-smoke-test-role" && aws_iam_role.smoke_test[0].permissions_boundary == var.permissions_boundary_arn
    error_message = "the smoke-test role is named with the prefix and carries the workload boundary"
  }

  assert {
    condition     = one(data.aws_iam_policy_document.smoke_test.statement).resources == toset(["arn:aws:execute-api:eu-central-1:123456789012:abc123/v1/POST/predictions"]) && one(data.aws_iam_policy_document.smoke_test.statement).actions == toset(["execute-api:Invoke"])
    error_message = "the smoke test may invoke POST /v1/predictions of this API and nothing else"
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.smoke_test_trust[0].statement).principals).identifiers == toset(var.smoke_test_principal_arns)
    error_message = "only the listed identities may assume the smoke-test role"
  }
}

run "a_smoke_test_principal_must_be_a_role_or_user_arn" {
  command = plan

  variables {
    smoke_test_principal_arns = ["arn:aws:iam::123456789012:root"]
  }

  expect_failures = [var.smoke_test_principal_arns]
}
