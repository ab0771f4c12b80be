# Staging's own account gets staging's identities only: the plan role and staging's deploy
# role (no ml-engineer, no production role, no fence: the accounts are the fence). What
# their policies allow across accounts is asked of the real documents by PMapper.

mock_provider "aws" {
  source = "../mocks/aws"
}

variables {
  github_repository    = "teleco-customer-churn/telco-churn"
  artifacts_account_id = "210987654321"
  model_kms_key_arn    = "arn:aws:kms:eu-central-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  state_kms_key_arn    = "arn:aws:kms:eu-central-1:210987654321:key/abcd1234-12ab-34cd-56ef-1234567890ab"
}

run "staging_identities_only" {
  command = plan

  assert {
    condition     = module.ci_identity.deploy_role_names == { staging = "teleco-customer-churn-stg-terraform-deploy" }
    error_message = "one deploy role, staging's"
  }

  assert {
    condition     = module.ci_identity.role_arn == null && module.ci_identity.deploy_role_arn == null
    error_message = "no ml-engineer and no production role in staging's account"
  }

  assert {
    condition = toset(module.ci_identity.deploy_policy_names) == toset([
      "teleco-customer-churn-stg-terraform-deploy", "teleco-customer-churn-stg-terraform-deploy-iam", "teleco-customer-churn-stg-terraform-deploy-fence",
    ])
    error_message = "staging's role has its three policies"
  }

  assert {
    condition     = module.workload_boundary.name == "teleco-customer-churn-workload-boundary"
    error_message = "the boundary has the name staging's platform looks up"
  }
}

run "a_malformed_account_is_refused" {
  command = plan

  variables {
    artifacts_account_id = "2109876543"
  }

  expect_failures = [var.artifacts_account_id]
}
