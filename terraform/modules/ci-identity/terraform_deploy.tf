# ---------------------------------------------------------------------------------------
# terraform-deploy: applies the stacks; every role it makes carries the boundary
# ---------------------------------------------------------------------------------------

resource "aws_iam_role" "deploy" {
  name                 = "${var.name_prefix}terraform-deploy"
  description          = "Applies the pipeline and platform stacks from the production environment of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["terraform-deploy"].json
  max_session_duration = 7200 # a serverless endpoint can take more than ten minutes to come up
}

locals {
  project_roles = "${local.iam}:role/${var.name_prefix}*"
  # Made by an administrator only: the deploy role may read these and nothing more. Its
  # own two policies are named, not referenced: a policy cannot contain its own ARN.
  administrator_owned = [
    aws_iam_role.this.arn, aws_iam_role.plan.arn, aws_iam_role.deploy.arn,
    aws_iam_policy.this.arn, var.permissions_boundary_arn, aws_iam_policy.read_stacks.arn,
    "${local.iam}:policy/${var.name_prefix}terraform-deploy",
    "${local.iam}:policy/${var.name_prefix}terraform-deploy-iam",
    "${local.iam}:user/${local.name}",
    local.oidc_provider_arn,
  ]
  # Services the stacks pass roles to (SageMaker models, Lambda, ECS tasks, flow logs).
  role_services = ["sagemaker.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"]
}

# Delegated administration as AWS documents it: create and change only roles that carry
# the boundary, never lift it, never touch the administrator's identities
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate).
data "aws_iam_policy_document" "deploy_iam" {
  statement {
    sid = "RolesOnlyWithTheBoundary"
    actions = [
      "iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
    ]
    resources = [local.project_roles]

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
    resources = [local.project_roles]
  }

  statement {
    sid       = "PassRolesOnlyToTheirServices"
    actions   = ["iam:PassRole"]
    resources = [local.project_roles]

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
    resources = ["${local.iam}:policy/${var.name_prefix}read-logs"]
  }

  statement {
    sid       = "ServiceLinkedRolesOfEcsAndElb"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["${local.iam}:role/aws-service-role/*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]
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
  statement {
    sid       = "LockTheState"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_objects}.tflock"]
  }

  statement {
    sid       = "WriteTheState"
    actions   = ["s3:PutObject"]
    resources = [local.state_objects]
  }

  statement {
    sid       = "TakeOverSavedPlans"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/plans/*"]
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
      local.named_resources,
      ["${local.elb_arn}:loadbalancer/app/${var.name_prefix}*", "${local.elb_arn}:targetgroup/${var.name_prefix}*", "${local.elb_arn}:listener/app/${var.name_prefix}*", "${local.elb_arn}:listener-rule/app/${var.name_prefix}*"],
    )
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

  statement {
    sid       = "RecordReleaseEvents"
    actions   = ["s3:PutObject"]
    resources = ["${var.model_bucket_arn}/releases/*/events/*"]
  }

  statement {
    sid       = "UseTheBundleKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.model_kms_key_arn]
  }

  statement {
    sid       = "SmokeTestTheApi"
    actions   = ["sts:AssumeRole"]
    resources = ["${local.iam}:role/${var.name_prefix}smoke-test-role"]
  }
}

# Two managed policies: one would near IAM's 6,144-character quota for a policy document.
resource "aws_iam_policy" "deploy_iam" {
  name        = "${var.name_prefix}terraform-deploy-iam"
  description = "The deploy role's IAM: roles that carry the boundary, never the administrator's identities"
  policy      = data.aws_iam_policy_document.deploy_iam.json
}

resource "aws_iam_policy" "deploy" {
  name        = "${var.name_prefix}terraform-deploy"
  description = "What the deploy role changes: the stacks' resources and their state"
  policy      = data.aws_iam_policy_document.deploy_services.json
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = {
    reads   = aws_iam_policy.read_stacks.arn
    iam     = aws_iam_policy.deploy_iam.arn
    changes = aws_iam_policy.deploy.arn
  }

  role       = aws_iam_role.deploy.name
  policy_arn = each.value
}
