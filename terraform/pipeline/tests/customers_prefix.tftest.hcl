# The customer base may live under another prefix (a variable, for CUSTOMER_BASE_KEY
# outside customers/), but never the whole bucket nor a prefix ml-engineer's other
# statements govern. Planned with a mocked provider.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  mock_data "aws_region" {
    defaults = { name = "eu-central-1" }
  }

  mock_data "aws_kms_alias" {
    defaults = { target_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
  }

  mock_data "aws_sagemaker_prebuilt_ecr_image" {
    defaults = {
      registry_id   = "492215442770"
      registry_path = "492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  training_image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
}

run "a_prefix_of_its_own_plans" {
  command = plan

  variables {
    customers_prefix = "crm/exports/"
  }
}

run "the_whole_bucket_is_refused" {
  command = plan

  variables {
    customers_prefix = "/"
  }

  expect_failures = [var.customers_prefix]
}

run "the_bundles_are_refused" {
  command = plan

  variables {
    customers_prefix = "models/customers/"
  }

  expect_failures = [var.customers_prefix]
}

run "a_parent_folder_is_refused" {
  command = plan

  variables {
    customers_prefix = "customers/../"
  }

  expect_failures = [var.customers_prefix]
}
