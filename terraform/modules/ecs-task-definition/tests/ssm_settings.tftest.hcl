# The UI's settings come from the environment by default, and from SSM parameters (the
# task definition's `secrets`) when ssm_settings names them. Planned with a mocked provider.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }
}

variables {
  family             = "teleco-customer-churn-ui"
  image              = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/teleco-customer-churn-ui@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  execution_role_arn = "arn:aws:iam::123456789012:role/teleco-customer-churn-ecs-execution-role"
  task_role_arn      = "arn:aws:iam::123456789012:role/teleco-customer-churn-ecs-task-role"
  api_endpoint       = "https://abc123.execute-api.eu-central-1.amazonaws.com"
}

run "settings_in_the_environment_by_default" {
  command = plan

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == []
    error_message = "no setting should come from SSM by default"
  }

  assert {
    condition     = contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name], "API_ENDPOINT")
    error_message = "API_ENDPOINT should be in the environment"
  }
}

run "settings_from_ssm_parameters" {
  command = plan

  variables {
    ssm_settings = {
      API_ENDPOINT = "arn:aws:ssm:eu-central-1:123456789012:parameter/teleco-customer-churn-ui/API_ENDPOINT"
      API_AUTH     = "arn:aws:ssm:eu-central-1:123456789012:parameter/teleco-customer-churn-ui/API_AUTH"
    }
  }

  assert {
    condition = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].secrets == [
      { name = "API_AUTH", valueFrom = "arn:aws:ssm:eu-central-1:123456789012:parameter/teleco-customer-churn-ui/API_AUTH" },
      { name = "API_ENDPOINT", valueFrom = "arn:aws:ssm:eu-central-1:123456789012:parameter/teleco-customer-churn-ui/API_ENDPOINT" },
    ]
    error_message = "both settings should be injected from their parameters"
  }

  assert {
    condition     = [for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name] == ["AWS_REGION"]
    error_message = "a setting from SSM must not also be in the environment"
  }
}

run "a_setting_that_is_not_a_parameter_arn_is_refused" {
  command = plan

  variables {
    ssm_settings = { API_ENDPOINT = "https://abc123.execute-api.eu-central-1.amazonaws.com" }
  }

  expect_failures = [var.ssm_settings]
}
