# What runs, and what a rollback may run, is never expired: the lifecycle's first rule
# selects the images of releases (churn-release tags them release-<id>) and keeps at least
# three, and ECR lets no lower-priority rule expire an image a rule selected. Planned with
# a mocked provider.

mock_provider "aws" {}

variables {
  name_prefix = "teleco-customer-churn-"
}

run "release_images_come_first_and_keep_three_releases" {
  command = plan

  assert {
    condition = alltrue([
      for policy in aws_ecr_lifecycle_policy.this :
      jsondecode(policy.policy).rules[0].rulePriority == 1
      && jsondecode(policy.policy).rules[0].selection.tagPrefixList == ["release-"]
      && jsondecode(policy.policy).rules[0].selection.countNumber >= 3
    ])
    error_message = "the first rule must select release-* images and keep at least three"
  }

  assert {
    condition = alltrue([
      for policy in aws_ecr_lifecycle_policy.this :
      alltrue([for rule in jsondecode(policy.policy).rules : rule.rulePriority >= 1])
      && length(jsondecode(policy.policy).rules) == 3
    ])
    error_message = "three rules, the release images' first"
  }
}

run "fewer_than_three_releases_are_refused" {
  command = plan

  variables {
    keep_release_images = 2
  }

  expect_failures = [var.keep_release_images]
}
