# What runs is never expired: the lifecycle's first rule selects the deployed images (the
# deploy tags them deployed-<sha>), and ECR lets no lower-priority rule expire an image a
# rule selected. Planned with a mocked provider.

mock_provider "aws" {}

variables {
  name_prefix = "teleco-customer-churn-"
}

run "deployed_images_come_first_and_keep_a_rollback" {
  command = plan

  assert {
    condition = alltrue([
      for policy in aws_ecr_lifecycle_policy.this :
      jsondecode(policy.policy).rules[0].rulePriority == 1
      && jsondecode(policy.policy).rules[0].selection.tagPrefixList == ["deployed-"]
      && jsondecode(policy.policy).rules[0].selection.countNumber >= 2
    ])
    error_message = "the first rule must select deployed-* images and keep at least two"
  }

  assert {
    condition = alltrue([
      for policy in aws_ecr_lifecycle_policy.this :
      alltrue([for rule in jsondecode(policy.policy).rules : rule.rulePriority >= 1])
      && length(jsondecode(policy.policy).rules) == 3
    ])
    error_message = "three rules, the deployed images' first"
  }
}
