# ---------------------------------------------------------------------------------------
# Reading the two stacks: what a refresh needs (the plan role; the deploy role too),
# and terraform-plan, the read-only role
# ---------------------------------------------------------------------------------------

# The state's objects are not here: each deploy role reads its own environment's only.
data "aws_iam_policy_document" "read_stacks" {
  statement {
    sid       = "ListTheState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "DecryptTheState"
    actions   = ["kms:Decrypt"]
    resources = [var.state_kms_key_arn]
  }

  # Describe* and most List* calls have no resource-level scope.
  statement {
    sid = "DescribeUnscopedServices"
    actions = [
      "ec2:Describe*", "elasticloadbalancing:Describe*", "ecs:DescribeTaskDefinition",
      "ecs:ListTaskDefinitions", "logs:DescribeLogGroups", "kms:ListAliases", "iam:ListPolicies",
      "ssm:DescribeParameters", "sts:GetCallerIdentity", "wafv2:ListWebACLs",
      # The UI's scalable target and office-hours schedule, refreshed once they exist.
      "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScheduledActions",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ReadTheProjectsBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration"]
    resources = ["arn:${local.partition}:s3:::${var.name_prefix}*"]
  }

  statement {
    sid       = "ReadTheProjectsKeys"
    actions   = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
    resources = ["arn:${local.partition}:kms:${local.region}:${local.account}:key/*"]

    condition {
      test     = "ForAnyValue:StringLike"
      variable = "kms:ResourceAliases"
      values   = local.project_key_aliases
    }
  }

  statement {
    sid     = "ReadTheProjectsIam"
    actions = ["iam:Get*", "iam:List*"]
    resources = [
      "${local.iam}:role/${var.name_prefix}*",
      "${local.iam}:policy/${var.name_prefix}*",
      "${local.iam}:user/${var.name_prefix}*",
      "${local.iam}:oidc-provider/${local.oidc_host}",
      "arn:${local.partition}:iam::aws:policy/*",
    ]
  }

  # The UI scalable target's tags, read in every plan once it exists: per scalable target,
  # named by a generated id (AWS's service authorization reference for Application Auto
  # Scaling; its Describe* calls have no resource-level scope and are unscoped above).
  statement {
    sid       = "ReadTheUisScalingTags"
    actions   = ["application-autoscaling:ListTagsForResource"]
    resources = ["arn:${local.partition}:application-autoscaling:${local.region}:${local.account}:scalable-target/*"]
  }

  statement {
    sid     = "ReadTheProjectsServices"
    actions = ["ecr:Describe*", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource", "ecs:Describe*", "ecs:ListTagsForResource", "lambda:Get*", "lambda:List*", "sagemaker:Describe*", "sagemaker:ListTags", "logs:ListTagsForResource", "logs:ListTagsLogGroup", "ssm:GetParameter*", "ssm:ListTagsForResource", "wafv2:Get*", "wafv2:List*"]
    # GetWebACLForResource names the load balancer too. Production's patterns match
    # staging's names as well (in staging's own account, only those exist).
    resources = concat(local.named_resources["production"], ["${local.elb_arn}:loadbalancer/app/${var.name_prefix}*"])
  }

  statement {
    sid       = "ReadTheHttpApis"
    actions   = ["apigateway:GET"]
    resources = local.http_apis
  }
}

resource "aws_iam_policy" "read_stacks" {
  name        = "${local.own_prefix}read-stacks"
  description = "What a Terraform refresh of the pipeline and platform stacks reads"
  policy      = data.aws_iam_policy_document.read_stacks.json
}

# ---------------------------------------------------------------------------------------
# terraform-plan: pull requests' and deploys' plans (read, and hand saved plans over)
# ---------------------------------------------------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${local.own_prefix}terraform-plan"
  description          = "Read-only: plans the stacks for pull requests of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["terraform-plan"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "plan_reads" {
  role       = aws_iam_role.plan.name
  policy_arn = aws_iam_policy.read_stacks.arn
}

# A deploy's plan jobs hand their saved plans to its apply job through plans/<run>/ of
# the state bucket (the apply job checks each plan's SHA-256 from the plan job's output),
# and plan from a release record (churn-stack plan --release), which they read themselves.
data "aws_iam_policy_document" "hand_over_plans" {
  statement {
    sid       = "ReadEveryEnvironmentsState"
    actions   = ["s3:GetObject"]
    resources = values(local.state_objects)
  }

  statement {
    sid       = "HandOverSavedPlans"
    actions   = ["s3:PutObject"]
    resources = ["${local.state_bucket_arn}/plans/*"]
  }

  statement {
    sid       = "EncryptSavedPlans"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.state_kms_key_arn]
  }

  statement {
    sid       = "ReadReleaseRecords"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/releases/*"]
  }

  statement {
    sid       = "DecryptReleaseRecords"
    actions   = ["kms:Decrypt"]
    resources = [var.model_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "plan_hand_over" {
  name   = "hand-over-plans"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.hand_over_plans.json
}

# ---------------------------------------------------------------------------------------
# Staging in an account of its own: the platform looks up the pipeline's bundle key (by
# its alias's ARN) and repositories (by registry id) in the pipeline's account, whose
# policies grant it; the statements above name this account only.
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "read_artifacts" {
  count = local.artifacts_here ? 0 : 1

  statement {
    sid       = "DescribeTheBundleKey"
    actions   = ["kms:DescribeKey"]
    resources = [var.model_kms_key_arn]
  }

  statement {
    sid       = "DescribeTheRepositories"
    actions   = ["ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListTagsForResource"]
    resources = var.ecr_repository_arns
  }
}

resource "aws_iam_role_policy" "read_artifacts" {
  for_each = local.artifacts_here ? {} : merge({ plan = aws_iam_role.plan.name }, { for env, role in aws_iam_role.deploy : env => role.name })

  name   = "read-the-pipelines-artifacts"
  role   = each.value
  policy = data.aws_iam_policy_document.read_artifacts[0].json
}
