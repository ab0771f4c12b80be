# Immutable prefixes: without any, the bucket policy is TLS-only; with models/, a write
# there must be conditional (If-None-Match) and nothing there may be deleted, by anyone.
# Against a mocked provider: the statements' configuration, not AWS's evaluation of them.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::teleco-customer-churn-models-123456789012" }
  }
}

variables {
  name    = "teleco-customer-churn-models-123456789012"
  purpose = "model bundles"
}

run "nothing_is_immutable_by_default" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.immutable.statement) == 0
    error_message = "no prefix given, no immutability statement"
  }
}

run "published_bundles_can_be_neither_overwritten_nor_deleted" {
  command = apply # against the mocked provider: the bucket's ARN is known only after apply

  variables {
    immutable_prefixes = ["models/"]
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.immutable.statement :
      statement.effect == "Deny" && statement.actions == toset(["s3:PutObject"])
      && statement.resources == toset(["arn:aws:s3:::teleco-customer-churn-models-123456789012/models/*"])
      && try(one(statement.condition).test == "Null" && one(statement.condition).variable == "s3:if-none-match", false)
      && try(toset(one(statement.condition).values) == toset(["true"]), false)
    ])
    error_message = "a write under models/ without If-None-Match must be denied"
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.immutable.statement :
      statement.effect == "Deny" && statement.actions == toset(["s3:DeleteObject", "s3:DeleteObjectVersion"])
      && try(toset(one(statement.principals).identifiers) == toset(["*"]), false)
    ])
    error_message = "deleting anything under models/ must be denied to everyone"
  }
}

# A rule that expires objects never reaches what is kept for good: not the prefix itself,
# not a folder inside it, not a parent of it.
run "an_expiring_prefix_over_a_kept_one_is_refused" {
  command = plan

  variables {
    immutable_prefixes = ["models/", "releases/"]
    expiring_prefixes  = { "releases/old/" = 30 }
  }

  expect_failures = [var.expiring_prefixes]
}

run "an_expiring_parent_of_a_kept_prefix_is_refused" {
  command = plan

  variables {
    immutable_prefixes = ["models/releases/"]
    expiring_prefixes  = { "models/" = 30 }
  }

  expect_failures = [var.expiring_prefixes]
}
