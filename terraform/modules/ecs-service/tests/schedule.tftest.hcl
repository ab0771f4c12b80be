# The service's size belongs to Application Auto Scaling: a fixed target around the clock,
# or office hours whose actions set its bounds. Against a mocked provider: the
# configuration, not AWS's evaluation of it.

mock_provider "aws" {}

variables {
  name                       = "teleco-customer-churn-stg-service"
  cluster_arn                = "arn:aws:ecs:eu-central-1:123456789012:cluster/teleco-customer-churn-stg-cluster"
  task_definition_arn        = "arn:aws:ecs:eu-central-1:123456789012:task-definition/teleco-customer-churn-stg-ui:3"
  desired_count              = 1
  capacity_provider_strategy = [{ capacity_provider = "FARGATE", base = 1, weight = 1 }]
  subnet_ids                 = ["subnet-0123456789abcdef0"]
  security_group_ids         = ["sg-0123456789abcdef0"]
  target_group_arn           = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/teleco-customer-churn-stg-alb-ui/0123456789abcdef"
  container_name             = "ui"
  container_port             = 8501
}

run "around_the_clock_a_fixed_target_holds_desired_count" {
  command = plan

  assert {
    condition = (
      length(aws_appautoscaling_target.fixed) == 1 && length(aws_appautoscaling_target.scheduled) == 0
      && aws_appautoscaling_target.fixed[0].min_capacity == 1 && aws_appautoscaling_target.fixed[0].max_capacity == 1
      && aws_appautoscaling_target.fixed[0].resource_id == "service/teleco-customer-churn-stg-cluster/teleco-customer-churn-stg-service"
    )
    error_message = "without a schedule, a target of min = max = desired_count on the service"
  }

  assert {
    condition     = length(aws_appautoscaling_scheduled_action.this) == 0
    error_message = "no scheduled action without a schedule"
  }
}

run "office_hours_start_desired_count_and_stop_to_zero" {
  command = plan

  variables {
    schedule = { start = "cron(0 7 ? * MON-FRI *)", stop = "cron(0 19 ? * MON-FRI *)", timezone = "Europe/Berlin" }
  }

  assert {
    condition     = length(aws_appautoscaling_target.fixed) == 0 && length(aws_appautoscaling_target.scheduled) == 1
    error_message = "with a schedule, the target whose bounds the actions own"
  }

  assert {
    condition = (
      aws_appautoscaling_scheduled_action.this["start"].schedule == "cron(0 7 ? * MON-FRI *)"
      && aws_appautoscaling_scheduled_action.this["stop"].schedule == "cron(0 19 ? * MON-FRI *)"
      && aws_appautoscaling_scheduled_action.this["stop"].timezone == "Europe/Berlin"
      && output.scheduled_action_bounds["start"] == 1 && output.scheduled_action_bounds["stop"] == 0
    )
    error_message = "start at 07:00 to desired_count, stop at 19:00 to zero, Berlin time"
  }
}

run "a_schedule_that_is_not_cron_is_refused" {
  command = plan

  variables {
    schedule = { start = "0 7 * * 1-5", stop = "cron(0 19 ? * MON-FRI *)" }
  }

  expect_failures = [var.schedule]
}

run "a_time_zone_that_is_not_a_name_is_refused" {
  command = plan

  variables {
    schedule = { start = "cron(0 7 ? * MON-FRI *)", stop = "cron(0 19 ? * MON-FRI *)", timezone = "+01:00" }
  }

  expect_failures = [var.schedule]
}
