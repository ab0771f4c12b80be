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
    condition     = data.aws_s3_bucket.models.bucket == "teleco-customer-churn-models-123456789012" && data.aws_kms_key.models.key_id == "arn:aws:kms:eu-central-1:123456789012:alias/teleco-customer-churn-models-123456789012"
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

# Staging in an account of its own: the same names, in the pipeline's account. The bucket
# name carries that account's id; the key is found by its alias's ARN and the repositories
# by registry id (lookups by name alone stay in the caller's account); the boundary is the
# one staging's account made (terraform/staging-account) under the same name.
run "a_staging_platform_in_its_own_account_reads_the_pipelines_account" {
  command = plan

  variables {
    name_prefix          = "teleco-customer-churn-stg-"
    artifacts_prefix     = "teleco-customer-churn-"
    artifacts_account_id = "210987654321"
  }

  assert {
    condition     = data.aws_s3_bucket.models.bucket == "teleco-customer-churn-models-210987654321" && data.aws_kms_key.models.key_id == "arn:aws:kms:eu-central-1:210987654321:alias/teleco-customer-churn-models-210987654321"
    error_message = "staging reads the pipeline's bucket and key in the pipeline's account"
  }

  assert {
    condition     = data.aws_ecr_repository.this["api"].registry_id == "210987654321" && data.aws_ecr_repository.this["ui"].registry_id == "210987654321"
    error_message = "staging pulls from the pipeline account's registry"
  }
}

run "a_malformed_artifacts_account_is_refused" {
  command = plan

  variables {
    artifacts_account_id = "21098765432"
  }

  expect_failures = [var.artifacts_account_id]
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
