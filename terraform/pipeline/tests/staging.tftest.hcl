# Staging's deploy role: made only when staging is on, named from production's prefix plus
# stg- (churn.names derives the same), with its own policies and the fence between the two.
# Planned with a mocked provider: what the policies allow is asked of the real documents
# by PMapper in the rehearsal (tests/rehearsal).

mock_provider "aws" {
  source = "../mocks/aws"
}

variables {
  training_image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
}

run "production_only_by_default" {
  command = plan

  assert {
    condition     = keys(module.ci_identity.deploy_role_names) == ["production"] && output.staging_deploy_role_arn == null
    error_message = "one deploy role, production's, unless staging is on"
  }
}

run "staging_has_a_deploy_role_of_its_own" {
  command = plan

  variables {
    enable_staging = true
  }

  assert {
    condition = module.ci_identity.deploy_role_names == {
      production = "teleco-customer-churn-terraform-deploy"
      staging    = "teleco-customer-churn-stg-terraform-deploy"
    }
    error_message = "staging's role is named from production's prefix plus stg-"
  }

  assert {
    condition = toset(module.ci_identity.deploy_policy_names) == toset([
      "teleco-customer-churn-terraform-deploy", "teleco-customer-churn-terraform-deploy-iam", "teleco-customer-churn-terraform-deploy-fence",
      "teleco-customer-churn-stg-terraform-deploy", "teleco-customer-churn-stg-terraform-deploy-iam", "teleco-customer-churn-stg-terraform-deploy-fence",
    ])
    error_message = "each role its own three policies, the fence among them"
  }
}

run "a_prefix_too_long_for_staging_is_refused" {
  command = plan

  variables {
    enable_staging = true
    name_prefix    = "a-rather-long-fork-name-"
  }

  expect_failures = [var.enable_staging]
}

# Staging in an account of its own: its identities are made there (terraform/staging-account),
# none here; this stack hands out what that account's administrator needs.
run "staging_in_its_own_account_has_no_role_here" {
  command = plan

  variables {
    enable_staging     = true
    staging_account_id = "210987654321"
  }

  assert {
    condition     = keys(module.ci_identity.deploy_role_names) == ["production"] && output.staging_deploy_role_arn == null
    error_message = "staging's deploy role lives in staging's account"
  }

  assert {
    condition     = output.staging_account_inputs.artifacts_account_id == "123456789012"
    error_message = "staging's administrator is told this account"
  }
}

run "an_account_for_staging_needs_staging_on" {
  command = plan

  variables {
    staging_account_id = "210987654321"
  }

  expect_failures = [var.staging_account_id]
}
