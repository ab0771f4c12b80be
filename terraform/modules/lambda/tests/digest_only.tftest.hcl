# The API's image is the one the release record names, by digest: a tag, even an immutable
# commit SHA, is refused before anything is planned. Against a mocked provider.

mock_provider "aws" {}

variables {
  function_name = "teleco-customer-churn-prediction-api"
  role_arn      = "arn:aws:iam::123456789012:role/teleco-customer-churn-lambda-execution-role"
}

run "an_image_by_digest_plans" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/teleco-customer-churn-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = endswith(aws_lambda_function.this.image_uri, "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    error_message = "the function runs the image by digest"
  }
}

run "an_image_by_tag_is_refused" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/teleco-customer-churn-api:0123456789abcdef0123456789abcdef01234567"
  }

  expect_failures = [var.image_uri]
}

run "a_short_digest_is_refused" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/teleco-customer-churn-api@sha256:0123abc"
  }

  expect_failures = [var.image_uri]
}
