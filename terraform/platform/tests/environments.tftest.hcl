# Environments differ by name prefix only. A staging platform has names of its own and
# shares the production pipeline's model bucket, ECR repositories and workload boundary
# (artifacts_prefix), so a release promoted there is the same bundle and the same digests.

mock_provider "aws" {
  source = "../mocks/aws"
}

override_data {
  target = data.aws_s3_objects.bundle_manifest
  values = { keys = ["models/20261124T001109Z-b4f6bc/bundle.json"] }
}

variables {
  release_id      = "20261206T180000Z-0123456"
  image_digests   = { api = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ui = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }
  plain_http_demo = true
}

run "the_default_environment_uses_its_own_pipeline" {
  command = plan

  assert {
    condition     = data.aws_s3_bucket.models.bucket == "teleco-customer-churn-models-123456789012" && data.aws_ecr_repository.this["api"].name == "teleco-customer-churn-api"
    error_message = "production reads its own pipeline's bucket and repositories"
  }
}

run "a_staging_platform_shares_the_pipeline_and_names_its_own" {
  command = plan

  variables {
    name_prefix      = "teleco-customer-churn-stg-"
    artifacts_prefix = "teleco-customer-churn-"
  }

  assert {
    condition     = data.aws_s3_bucket.models.bucket == "teleco-customer-churn-models-123456789012" && data.aws_kms_alias.models.name == "alias/teleco-customer-churn-models-123456789012"
    error_message = "staging reads the shared model bucket and its key"
  }

  assert {
    condition     = data.aws_ecr_repository.this["api"].name == "teleco-customer-churn-api" && data.aws_ecr_repository.this["ui"].name == "teleco-customer-churn-ui"
    error_message = "staging pulls the shared repositories' images"
  }

  assert {
    condition     = data.aws_iam_policy.boundary.name == "teleco-customer-churn-workload-boundary"
    error_message = "staging's roles carry the shared pipeline's boundary"
  }

  assert {
    condition     = output.lambda_function_name == "teleco-customer-churn-stg-prediction-api"
    error_message = "staging's own resources carry its own prefix"
  }
}

run "a_malformed_artifacts_prefix_is_refused" {
  command = plan

  variables {
    artifacts_prefix = "Teleco_Churn"
  }

  expect_failures = [var.artifacts_prefix]
}

# A cheap environment stops its UI outside office hours: Application Auto Scaling owns the
# service's size, the schedule owns its bounds.
run "office_hours_start_and_stop_the_ui" {
  command = plan

  variables {
    ui_desired_count = 1
    ui_schedule      = { start = "cron(0 7 ? * MON-FRI *)", stop = "cron(0 19 ? * MON-FRI *)", timezone = "Europe/Berlin" }
  }

  assert {
    condition = (
      module.ui_service.scheduled_actions["start"] == "teleco-customer-churn-service-start"
      && module.ui_service.scheduled_actions["stop"] == "teleco-customer-churn-service-stop"
      && module.ui_service.scheduled_action_bounds["start"] == 1 && module.ui_service.scheduled_action_bounds["stop"] == 0
    )
    error_message = "the schedule starts ui_desired_count tasks and stops them all"
  }
}

run "around_the_clock_by_default" {
  command = plan

  assert {
    condition     = length(module.ui_service.scheduled_actions) == 0 && length(module.ui_service.scheduled_action_bounds) == 0
    error_message = "production runs its UI around the clock"
  }
}
