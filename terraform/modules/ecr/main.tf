# One repository per deployable image. Tags are immutable: an image tag is a commit SHA,
# and what a tag names must never change under a running service.

locals {
  # churn-release create tags each image of a release release-<id>; the lifecycle's first
  # rule keys on it.
  release_tag_prefix = "release-"
}

resource "aws_ecr_repository" "this" {
  for_each = var.repositories

  name                 = "${var.name_prefix}${each.key}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
  }
}

# Each release tags its images release-<id>. The first rule keeps the newest
# keep_release_images of them (what runs, and what a rollback runs) and, as ECR evaluates
# rules, an image a rule selects is never expired by a lower-priority rule: only images no
# release named count toward keep_tagged_images
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules).
# ECR counts by push time: each release's images are pushed for its commit just before it
# is made, so the newest N release images cover the last N releases. (A build that
# reproduces an image pushed before those N, digest for digest, keeps its old push time
# and could be counted out: a known limit of count rules.)
resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep the images of the newest ${var.keep_release_images} releases (what runs and its rollbacks)"
        selection    = { tagStatus = "tagged", tagPrefixList = [local.release_tag_prefix], countType = "imageCountMoreThan", countNumber = var.keep_release_images }
        action       = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Untagged layers left by failed pushes go after a week"
        selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 7 }
        action       = { type = "expire" }
      },
      {
        rulePriority = 3
        description  = "Of the images no release named, keep the newest ${var.keep_tagged_images}"
        selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = var.keep_tagged_images }
        action       = { type = "expire" }
      },
    ]
  })
}

# ---------------------------------------------------------------------------------------
# Lambda's image pull, granted here rather than left to the deployer
# ---------------------------------------------------------------------------------------

# Creating an image function makes Lambda add this grant to the repository policy itself,
# but only when the deployer may rewrite repository policies
# (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions);
# granting it explicitly lets the deploy role go without ecr:SetRepositoryPolicy.
data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  shared    = var.shared_with == null ? toset([]) : var.shared_with.repositories
  # Accounts whose functions named with the prefix may pull: this one, and a sharing one's.
  function_accounts = compact([data.aws_caller_identity.current.account_id, try(var.shared_with.account_id, null)])
}

data "aws_iam_policy_document" "pull" {
  for_each = setunion(var.lambda_pull_repositories, local.shared)

  dynamic "statement" {
    for_each = contains(var.lambda_pull_repositories, each.key) ? [1] : []

    content {
      sid     = "LambdaPullsTheImage"
      actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

      principals {
        type        = "Service"
        identifiers = ["lambda.amazonaws.com"]
      }

      # Only the functions named with the prefix, of this account and the sharing one
      # (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-xaccount-permissions).
      condition {
        test     = "StringLike"
        variable = "aws:sourceArn"
        values   = [for account in local.function_accounts : "arn:${local.partition}:lambda:${local.region}:${account}:function:${var.name_prefix}*"]
      }
    }
  }

  # Another account's roles: the deployer that creates the function or the service, and
  # the ECS task execution role that pulls the UI's image. Same region only: Lambda and
  # ECS pull from a registry of their own region.
  dynamic "statement" {
    for_each = contains(local.shared, each.key) ? [1] : []

    content {
      sid = "AnotherAccountPulls"
      # Terraform's repository lookup also lists its tags.
      actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:ListTagsForResource"]

      principals {
        type        = "AWS"
        identifiers = ["arn:${local.partition}:iam::${var.shared_with.account_id}:root"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = ["arn:${local.partition}:iam::${var.shared_with.account_id}:role/${var.shared_with.role_names}"]
      }
    }
  }
}

resource "aws_ecr_repository_policy" "pull" {
  for_each = data.aws_iam_policy_document.pull

  repository = aws_ecr_repository.this[each.key].name
  policy     = each.value.json
}

moved {
  from = aws_ecr_repository_policy.lambda_pull
  to   = aws_ecr_repository_policy.pull
}
