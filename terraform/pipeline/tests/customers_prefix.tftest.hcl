# The customer base may live under another prefix (a variable, for CUSTOMER_BASE_KEY
# outside customers/), but never the whole bucket nor a prefix ml-engineer's other
# statements govern. Planned with a mocked provider.

mock_provider "aws" {
  source = "../mocks/aws"
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
