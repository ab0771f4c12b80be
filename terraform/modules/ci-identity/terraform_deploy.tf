# ---------------------------------------------------------------------------------------
# terraform-deploy: applies the stacks; every role it makes carries the boundary. One per
# environment (local.environments): production's applies the pipeline and its platform,
# staging's only staging's platform, each under its own prefix and state key.
# ---------------------------------------------------------------------------------------

resource "aws_iam_role" "deploy" {
  for_each = local.environments

  name                 = "${each.value}terraform-deploy"
  description          = "Applies the ${each.key == "production" ? "pipeline and platform stacks" : "platform stack"} from the ${each.key} environment of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["terraform-deploy-${each.key}"].json
  max_session_duration = 7200 # a serverless endpoint can take more than ten minutes to come up
}

moved {
  from = aws_iam_role.deploy
  to   = aws_iam_role.deploy["production"]
}

locals {
  # Made by an administrator only: the deploy roles may read these and nothing more. Their
  # own policies are named, not referenced: a policy cannot contain its own ARN.
  administrator_owned = concat(
    aws_iam_role.this[*].arn, [aws_iam_role.plan.arn], aws_iam_policy.this[*].arn,
    [var.permissions_boundary_arn, aws_iam_policy.read_stacks.arn],
    [for role in aws_iam_role.deploy : role.arn],
    flatten([for prefix in values(local.environments) : [
      "${local.iam}:policy/${prefix}terraform-deploy",
      "${local.iam}:policy/${prefix}terraform-deploy-iam",
      "${local.iam}:policy/${prefix}terraform-deploy-fence",
    ]]),
    ["${local.iam}:user/${local.name}", local.oidc_provider_arn],
  )
  # Services the stacks pass roles to (SageMaker models, Lambda, ECS tasks, flow logs).
  role_services = ["sagemaker.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"]
}

# Delegated administration as AWS documents it: create and change only roles that carry
# the boundary, never lift it, never touch the administrator's identities
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate).
data "aws_iam_policy_document" "deploy_iam" {
  for_each = local.environments

  statement {
    sid = "RolesOnlyWithTheBoundary"
    actions = [
      "iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
    ]
    resources = ["${local.iam}:role/${each.value}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [var.permissions_boundary_arn]
    }
  }

  # Calls without the iam:PermissionsBoundary key: harmless on a role the boundary caps.
  statement {
    sid       = "MaintainTheProjectsRoles"
    actions   = ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"]
    resources = ["${local.iam}:role/${each.value}*"]
  }

  statement {
    sid       = "PassRolesOnlyToTheirServices"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam}:role/${each.value}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = local.role_services
    }
  }

  # The platform's optional log-reading policy for people (never attached by the stacks).
  statement {
    sid       = "TheLogReadingPolicy"
    actions   = ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
    resources = ["${local.iam}:policy/${each.value}read-logs"]
  }

  # ECS's, ELB's, and Application Auto Scaling's for ECS services (the UI's size), made
  # on first use (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html).
  statement {
    sid       = "ServiceLinkedRoles"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.iam}:role/aws-service-role/*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"]
    }
  }

  statement {
    sid         = "NeverTheAdministratorsIdentities"
    effect      = "Deny"
    not_actions = ["iam:Get*", "iam:List*"]
    resources   = local.administrator_owned
  }

  statement {
    sid       = "NeverLiftABoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "deploy_services" {
  for_each = local.environments

  # Its own environment's state key only: the other environment's is not even readable.
  statement {
    sid       = "LockTheState"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_objects[each.key]}.tflock"]
  }

  statement {
    sid       = "TheState"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [local.state_objects[each.key]]
  }

  # Its own environment's saved plans only (plans/<run>/<environment>/, churn.ops.handover):
  # a saved plan embeds its stack's prior state, the other environment's included.
  statement {
    sid       = "TakeOverSavedPlans"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/plans/*/${each.key}/*"]
  }

  statement {
    sid       = "EncryptTheState"
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.state_kms_key_arn]
  }

  # VPC resources are named by generated ids: this region only.
  statement {
    sid = "TheNetwork"
    actions = [
      "ec2:*Vpc*", "ec2:*Subnet*", "ec2:*RouteTable*", "ec2:CreateRoute", "ec2:DeleteRoute",
      "ec2:ReplaceRoute", "ec2:*InternetGateway*", "ec2:*NatGateway*", "ec2:*Address*",
      "ec2:*SecurityGroup*", "ec2:*FlowLogs*", "ec2:CreateTags", "ec2:DeleteTags",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid = "TheProjectsNamedResources"
    actions = [
      "ecr:*", "ecs:*", "elasticloadbalancing:*", "lambda:*", "logs:*", "sagemaker:*",
      "ssm:*", "wafv2:*",
    ]
    resources = concat(
      local.named_resources[each.key],
      ["${local.elb_arn}:loadbalancer/app/${each.value}*", "${local.elb_arn}:targetgroup/${each.value}*", "${local.elb_arn}:listener/app/${each.value}*", "${local.elb_arn}:listener-rule/app/${each.value}*"],
    )
  }

  # Staging's Lambda runs production's images: creating the function needs pulling them.
  dynamic "statement" {
    for_each = each.key == "production" ? [] : [each.key]

    content {
      sid       = "PullTheReleasesImages"
      actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages", "ecr:DescribeRepositories"]
      resources = var.ecr_repository_arns
    }
  }

  # The UI's size and office hours: scalable targets and scheduled actions are named by
  # generated ids (no resource-level scope by name), so this region only.
  statement {
    sid       = "TheUisScaling"
    actions   = ["application-autoscaling:*"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # Calls with no resource-level scope: task definition revisions, and the log deliveries
  # an HTTP API stage's access logging sets up
  # (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html).
  statement {
    sid = "UnscopedCalls"
    actions = [
      "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "logs:CreateLogDelivery",
      "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "TheHttpApis"
    actions   = ["apigateway:*"]
    resources = local.http_apis
  }

  # Watching what it applied (churn-release watch, in the approved job): the smoke test
  # reads the release's bundle, signs its calls as the platform's smoke-test role, and the
  # verdict (or the rollback) goes into the release's log, written once (listing the log:
  # read-stacks' ListBucket on the project's buckets).
  statement {
    sid       = "ReadBundlesAndReleases"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/models/*", "${var.model_bucket_arn}/releases/*"]
  }

  # Events of its own environment only (<time>-<environment>-<kind>.json; the reader
  # refuses an event whose document says otherwise than its key): staging's role cannot
  # record a production verdict, nor production's a staging one production then trusts.
  statement {
    sid       = "RecordReleaseEvents"
    actions   = ["s3:PutObject"]
    resources = ["${var.model_bucket_arn}/releases/*/events/*-${each.key}-*"]
  }

  statement {
    sid       = "UseTheBundleKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.model_kms_key_arn]
  }

  statement {
    sid       = "SmokeTestTheApi"
    actions   = ["sts:AssumeRole"]
    resources = ["${local.iam}:role/${each.value}smoke-test-role"]
  }
}

# Two managed policies: one would near IAM's 6,144-character quota for a policy document.
resource "aws_iam_policy" "deploy_iam" {
  for_each = local.environments

  name        = "${each.value}terraform-deploy-iam"
  description = "The ${each.key} deploy role's IAM: roles that carry the boundary, never the administrator's identities"
  policy      = data.aws_iam_policy_document.deploy_iam[each.key].json
}

resource "aws_iam_policy" "deploy" {
  for_each = local.environments

  name        = "${each.value}terraform-deploy"
  description = "What the ${each.key} deploy role changes: its stacks' resources and their state"
  policy      = data.aws_iam_policy_document.deploy_services[each.key].json
}

moved {
  from = aws_iam_policy.deploy_iam
  to   = aws_iam_policy.deploy_iam["production"]
}

moved {
  from = aws_iam_policy.deploy
  to   = aws_iam_policy.deploy["production"]
}

# ---------------------------------------------------------------------------------------
# The fence between environments in one account. Names: staging's prefix extends
# production's, so production's patterns (<prefix>*) also match staging's names; each role
# is denied every other environment's names. What has no name in its ARN (the network,
# HTTP APIs) is fenced by the NamePrefix tag both stacks put on everything they make.
# (A staging in an account of its own needs none of this: the accounts are the fence.)
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "deploy_fence" {
  for_each = local.environments

  dynamic "statement" {
    for_each = { for env, prefix in local.environments : env => prefix if env != each.key && startswith(prefix, each.value) }

    content {
      sid       = "NeverTheNamesOf${title(statement.key)}"
      effect    = "Deny"
      actions   = ["*"]
      resources = concat(local.named_resources[statement.key], ["${local.iam}:role/${statement.value}*", "${local.elb_arn}:*/app/${statement.value}*", "${local.elb_arn}:targetgroup/${statement.value}*", "${local.state_objects[statement.key]}"])
    }
  }

  statement {
    sid       = "NeverWhatAnotherEnvironmentTagged"
    effect    = "Deny"
    actions   = ["ec2:*", "apigateway:*", "elasticloadbalancing:*", "ecs:*", "lambda:*", "sagemaker:*", "logs:*", "application-autoscaling:*", "wafv2:*"]
    resources = ["*"]

    # Both must hold: the resource carries the tag, and it names another prefix. (Not
    # StringNotEqualsIfExists: a missing key makes that true, which would deny every
    # create, whose resource has no tags yet.)
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/NamePrefix"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:ResourceTag/NamePrefix"
      values   = [each.value]
    }
  }
}

resource "aws_iam_policy" "deploy_fence" {
  for_each = local.environments

  name        = "${each.value}terraform-deploy-fence"
  description = "What the ${each.key} deploy role may never change: another environment's resources"
  policy      = data.aws_iam_policy_document.deploy_fence[each.key].json
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = merge([
    for env in keys(local.environments) : {
      for duty, arn in {
        reads   = aws_iam_policy.read_stacks.arn
        iam     = aws_iam_policy.deploy_iam[env].arn
        changes = aws_iam_policy.deploy[env].arn
        fence   = aws_iam_policy.deploy_fence[env].arn
      } : "${env}-${duty}" => { role = aws_iam_role.deploy[env].name, policy_arn = arn }
    }
  ]...)

  role       = each.value.role
  policy_arn = each.value.policy_arn
}

moved {
  from = aws_iam_role_policy_attachment.deploy["reads"]
  to   = aws_iam_role_policy_attachment.deploy["production-reads"]
}

moved {
  from = aws_iam_role_policy_attachment.deploy["iam"]
  to   = aws_iam_role_policy_attachment.deploy["production-iam"]
}

moved {
  from = aws_iam_role_policy_attachment.deploy["changes"]
  to   = aws_iam_role_policy_attachment.deploy["production-changes"]
}
