# A bucket another account's roles use (staging in an account of its own). Its objects are
# encrypted with the bucket's KMS key, and KMS lets another account use a key only when the
# key's own policy allows it: IAM policies in that account are not enough
# (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
# And KMS refuses a key policy that would lock this account out (PutKeyPolicy's lockout
# safety check) unless told to bypass it. moto checks neither. Planned with a mocked
# provider: the statements' configuration, not AWS's evaluation of them.

mock_provider "aws" {
  source = "../../mocks/aws" # the account, partition and region the ARNs are built from

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::teleco-customer-churn-models-123456789012" }
  }
}

variables {
  name    = "teleco-customer-churn-models-123456789012"
  purpose = "model bundles"
}

run "an_unshared_bucket_keeps_the_default_key_policy" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.key) == 0
    error_message = "no other account: KMS's default policy (the account's IAM decides)"
  }
}

run "a_shared_buckets_key_lets_the_other_accounts_roles_in_through_s3" {
  command = apply # against the mocked provider: the bucket's ARN is known only after apply

  variables {
    shared_with = {
      account_id    = "210987654321"
      role_names    = "teleco-customer-churn-stg-*"
      read_prefixes = ["models/"]
    }
  }

  assert {
    condition     = aws_kms_key.this.policy == data.aws_iam_policy_document.key[0].json
    error_message = "a shared bucket's key needs a policy of its own"
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.key[0].statement :
      statement.actions == toset(["kms:*"]) && statement.resources == toset(["*"])
      && anytrue([for principal in statement.principals : contains(tolist(principal.identifiers), "arn:aws:iam::123456789012:root")])
    ])
    error_message = "the key's own account keeps every right (KMS refuses a policy that locks it out)"
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.key[0].statement :
      statement.actions == toset(["kms:Decrypt", "kms:GenerateDataKey"])
      && anytrue([for principal in statement.principals : contains(tolist(principal.identifiers), "arn:aws:iam::210987654321:root")])
      && contains(flatten([for condition in statement.condition : condition.values if condition.variable == "aws:PrincipalArn"]), "arn:aws:iam::210987654321:role/teleco-customer-churn-stg-*")
      && contains(flatten([for condition in statement.condition : condition.values if condition.variable == "kms:ViaService"]), "s3.eu-central-1.amazonaws.com")
    ])
    error_message = "the other account's roles decrypt and encrypt through S3 only"
  }

  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.key[0].statement :
      anytrue([for principal in statement.principals : contains(tolist(principal.identifiers), "arn:aws:iam::123456789012:root")])
      || contains(flatten([for condition in statement.condition : condition.values if condition.variable == "aws:PrincipalArn"]), "arn:aws:iam::210987654321:role/teleco-customer-churn-stg-*")
    ])
    error_message = "every grant to the other account names its roles, never the whole account"
  }
}
