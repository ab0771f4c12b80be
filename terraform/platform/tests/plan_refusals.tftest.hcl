# What the platform refuses at plan time. The public UI is served over HTTPS unless someone
# chose otherwise, by name: a plan without a certificate stops at the variable, outside a
# rehearsal and a declared demo. And the release's images come by digest, never by tag.

mock_provider "aws" {
  source = "../mocks/aws"
}

override_data {
  target = data.aws_s3_objects.bundle_manifest
  values = { keys = ["models/20261124T001109Z-b4f6bc/bundle.json"] }
}

variables {
  release_id    = "20261206T180000Z-0123456"
  image_digests = { api = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ui = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }
}

run "no_certificate_and_no_opt_out_is_refused" {
  command = plan

  variables {
    certificate_arn = null
  }

  expect_failures = [var.certificate_arn]
}

# Either choice plans: a declared demo, or a certificate.
run "a_declared_demo_plans" {
  command = plan

  variables {
    plain_http_demo = true
  }
}

run "a_certificate_plans" {
  command = plan

  variables {
    certificate_arn = "arn:aws:acm:eu-central-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
  }
}

# The release's images by digest, or nothing: a tag in place of a digest stops the plan.
run "an_image_tag_in_place_of_a_digest_is_refused" {
  command = plan

  variables {
    plain_http_demo = true
    image_digests   = { api = "0123456789abcdef0123456789abcdef01234567", ui = "latest" }
  }

  expect_failures = [var.image_digests]
}
