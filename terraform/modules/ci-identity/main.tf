# The identities the GitHub workflows act as, made once by an administrator (the pipeline's
# first apply) and never by the deploy role they would widen: ml-engineer (train, publish,
# push images, smoke-test), terraform-plan (read-only plans) and terraform-deploy (applies
# the stacks). Every role the deploy role creates must carry the workload boundary defined
# here, and the deploy role may not change the boundary or any of these identities.
# The original design's static-key IAM user stays available behind enable_static_user.

locals {
  name       = "${var.name_prefix}ml-engineer"
  oidc_host  = "token.actions.githubusercontent.com"
  repository = "repo:${var.github_repository}"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
  iam       = "arn:${local.partition}:iam::${local.account}"
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
}

locals {
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : "${local.iam}:oidc-provider/${local.oidc_host}"
}

# Who may assume each identity: the token's subject in the repository's customized form
# (`churn-github secure-repository` sets the claims repo, context, ref), so that every
# subject names the ref: "repo:O/R:<context>:ref:<ref>". GitHub's default form leaves the
# ref out of an environment's subject, so any branch declaring `production` would match
# (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#customizing-the-token-claims).
locals {
  main_ref    = "ref:refs/heads/${var.github_branch}"
  on_main     = "${local.repository}:${local.main_ref}:${local.main_ref}"
  main_deploy = "${local.repository}:environment:${var.github_environment}:${local.main_ref}"
  # A pull request's ref is refs/pull/<number>/merge; only this repository's pull requests
  # get a token (forks' pull_request runs have none).
  pull_requests = "${local.repository}:pull_request:ref:refs/pull/*/merge"

  # Subjects per role and condition operator: StringEquals for exact subjects,
  # StringLike for patterns.
  trusted_subjects = {
    # The train, image and smoke-test jobs: on main, no environment.
    ml-engineer = { StringEquals = [local.on_main] }
    # Pull requests plan for review; the deploy plans on main before its apply job.
    terraform-plan = { StringEquals = [local.on_main], StringLike = [local.pull_requests] }
    # The apply job: the production environment, and main.
    terraform-deploy = { StringEquals = [local.main_deploy] }
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.trusted_subjects

  # One statement per operator, not two conditions in one: two operators on one key
  # would both have to hold.
  dynamic "statement" {
    for_each = each.value

    content {
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = [local.oidc_provider_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "${local.oidc_host}:aud"
        values   = ["sts.amazonaws.com"]
      }

      condition {
        test     = statement.key
        variable = "${local.oidc_host}:sub"
        values   = statement.value
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name_prefix}ml-engineer"
  description          = "What the GitHub workflows of ${var.github_repository} act as"
  assume_role_policy   = data.aws_iam_policy_document.trust["ml-engineer"].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "permissions" {
  statement {
    sid       = "ListBundles"
    actions   = ["s3:ListBucket"]
    resources = [var.model_bucket_arn]
  }

  # Publish new bundles and read any: no delete, and the bucket's policy refuses a write
  # that could overwrite a published object (conditional writes only).
  statement {
    sid       = "PublishAndReadBundles"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.model_bucket_arn}/models/*"]
  }

  statement {
    sid       = "ReadTrainingData"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/data/*"]
  }

  statement {
    sid       = "UseTheBundleKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.model_kms_key_arn]
  }

  statement {
    sid       = "LogInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # this action has no resource-level scope
  }

  # The deploy's smoke test: this stack cannot name the API (the platform, applied after it,
  # creates the API, and execute-api has no condition keys to name it otherwise), so the
  # platform makes a role that may invoke exactly that API's POST /v1/predictions, and
  # trusts ml-engineer to assume it.
  statement {
    sid       = "SmokeTestTheApi"
    actions   = ["sts:AssumeRole"]
    resources = ["${local.iam}:role/${var.name_prefix}smoke-test-role"]
  }

  statement {
    sid = "PushImages"
    actions = [
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
      "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
    ]
    resources = var.ecr_repository_arns
  }
}

data "aws_iam_policy_document" "training" {
  count = var.training_task == null ? 0 : 1

  # Task definition revisions change on every apply; the family's ARN with any revision.
  statement {
    sid       = "RunTheTrainingTask"
    actions   = ["ecs:RunTask"]
    resources = ["${local.task_definition_arn_prefix}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.training_task.cluster_arn]
    }
  }

  # The launcher reads the log group from the task definition. DescribeTaskDefinition has
  # no resource-level scope (ECS's service authorization reference lists no resource type).
  statement {
    sid       = "ReadTheTrainingTaskDefinition"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "WatchTheTrainingTask"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = ["${local.task_arn_prefix}/*"]
  }

  statement {
    sid       = "HandTheTaskItsRoles"
    actions   = ["iam:PassRole"]
    resources = var.training_task.role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadTheTrainingLogs"
    actions   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = ["${var.training_task.log_group_arn}:*"]
  }

  # The launcher finds the platform's private subnets and the training security group by name.
  statement {
    sid       = "FindTheTrainingNetwork"
    actions   = ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"]
    resources = ["*"] # Describe* calls have no resource-level scope
  }
}

# Scoring the customer base: churn-score reads customers/, prepares the job's work, starts
# and watches one transform job (on a model named after the bundle version) and publishes
# scores/<date>/. Names it may create: <prefix>score-*.
data "aws_iam_policy_document" "scoring" {
  count = var.batch_scoring == null ? 0 : 1

  statement {
    sid       = "ReadTheCustomerBase"
    actions   = ["s3:GetObject"]
    resources = ["${var.model_bucket_arn}/${var.batch_scoring.customers_prefix}*"]
  }

  # scores.csv goes up as a multipart upload, aborted when a run fails (PutObject covers
  # the upload's other calls; the abort is its own action).
  statement {
    sid       = "WriteScoresAndTheirWork"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [for prefix in [var.batch_scoring.scores_prefix, var.batch_scoring.work_prefix] : "${var.model_bucket_arn}/${prefix}*"]
  }

  statement {
    sid       = "MakeTheScoringModel"
    actions   = ["sagemaker:CreateModel", "sagemaker:DescribeModel"]
    resources = ["${local.sagemaker_arn}:model/${var.name_prefix}score-*"]
  }

  # CreateTransformJob with Tags also needs AddTags on the job.
  statement {
    sid       = "RunAndWatchTheTransformJob"
    actions   = ["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob", "sagemaker:AddTags"]
    resources = ["${local.sagemaker_arn}:transform-job/${var.name_prefix}score-*"]
  }

  statement {
    sid       = "HandTheJobItsRole"
    actions   = ["iam:PassRole"]
    resources = [var.batch_scoring.role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }
}

locals {
  sagemaker_arn = "arn:${local.partition}:sagemaker:${local.region}:${local.account}"
  # arn:aws:ecs:<region>:<account>:cluster/<name> -> the same account's task and task-definition ARNs
  ecs_arn_base               = var.training_task == null ? "" : regex("^(.*):cluster/", var.training_task.cluster_arn)[0]
  task_definition_arn_prefix = var.training_task == null ? "" : "${local.ecs_arn_base}:task-definition/${var.training_task.task_definition_family}"
  task_arn_prefix            = var.training_task == null ? "" : replace(var.training_task.cluster_arn, ":cluster/", ":task/")
}

data "aws_iam_policy_document" "combined" {
  source_policy_documents = compact([
    data.aws_iam_policy_document.permissions.json,
    try(data.aws_iam_policy_document.training[0].json, ""),
    try(data.aws_iam_policy_document.scoring[0].json, ""),
  ])
}

resource "aws_iam_policy" "this" {
  name        = local.name
  description = "S3, ECR and training-task rights of the ml-engineer identity"
  policy      = data.aws_iam_policy_document.combined.json
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.this.name
  policy_arn = aws_iam_policy.this.arn
}

# ---------------------------------------------------------------------------------------
# The original design's static-key user (off by default)
# ---------------------------------------------------------------------------------------

resource "aws_iam_user" "static" {
  # checkov:skip=CKV_AWS_273:Kept only as the documented fallback of the original design, off by default.
  count = var.enable_static_user ? 1 : 0
  name  = local.name
}

resource "aws_iam_access_key" "static" {
  count = var.enable_static_user ? 1 : 0
  user  = aws_iam_user.static[0].name
}

resource "aws_iam_user_policy_attachment" "static" {
  count      = var.enable_static_user ? 1 : 0
  user       = aws_iam_user.static[0].name
  policy_arn = aws_iam_policy.this.arn
}


# ---------------------------------------------------------------------------------------
# Reading the two stacks: what a refresh needs (the plan role; the deploy role too)
# ---------------------------------------------------------------------------------------

locals {
  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
  # <prefix without its hyphen>/<root>/terraform.tfstate (churn.names.state_key)
  state_objects = "${local.state_bucket_arn}/${trimsuffix(var.name_prefix, "-")}/*"
  # The project's log groups: the Lambda's, the API's access logs, ECS tasks', flow logs,
  # WAF's (which WAF requires to be named aws-waf-logs-*).
  log_groups = [
    for group in ["/aws/lambda/${var.name_prefix}*", "/aws/apigateway/${var.name_prefix}*", "/ecs/${var.name_prefix}*", "/vpc/${var.name_prefix}*", "aws-waf-logs-${var.name_prefix}*"] :
    "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${group}"
  ]
  # The web ACL in front of the UI, and the AWS managed rule groups it references.
  web_acls = [
    "arn:${local.partition}:wafv2:${local.region}:${local.account}:regional/webacl/${var.name_prefix}*/*",
    "arn:${local.partition}:wafv2:${local.region}:${local.account}:regional/managedruleset/*/*",
  ]
  # HTTP APIs are named by generated ids: every API of the region, and its tags.
  http_apis = [for path in ["/apis", "/apis/*", "/tags/*"] : "arn:${local.partition}:apigateway:${local.region}::${path}"]
  ecs_arn   = "arn:${local.partition}:ecs:${local.region}:${local.account}"
  elb_arn   = "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account}"
  # Keys are named by generated ids: a key is the project's when an alias of its says so.
  project_key_aliases = ["alias/${var.name_prefix}*", "alias/${var.state_bucket}"]
}

data "aws_iam_policy_document" "read_stacks" {
  statement {
    sid       = "ReadTheState"
    actions   = ["s3:GetObject"]
    resources = [local.state_objects]
  }

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

  statement {
    sid     = "ReadTheProjectsServices"
    actions = ["ecr:Describe*", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource", "ecs:Describe*", "ecs:ListTagsForResource", "lambda:Get*", "lambda:List*", "sagemaker:Describe*", "sagemaker:ListTags", "logs:ListTagsForResource", "logs:ListTagsLogGroup", "ssm:GetParameter*", "ssm:ListTagsForResource", "wafv2:Get*", "wafv2:List*"]
    resources = concat(
      ["arn:${local.partition}:ecr:${local.region}:${local.account}:repository/${var.name_prefix}*"],
      ["${local.ecs_arn}:cluster/${var.name_prefix}*", "${local.ecs_arn}:service/${var.name_prefix}*", "${local.ecs_arn}:task-definition/${var.name_prefix}*"],
      ["arn:${local.partition}:lambda:${local.region}:${local.account}:function:${var.name_prefix}*"],
      ["arn:${local.partition}:sagemaker:${local.region}:${local.account}:*/${var.name_prefix}*"],
      local.log_groups, [for group in local.log_groups : "${group}:*"],
      ["arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/${var.name_prefix}*"],
      # GetWebACLForResource names the load balancer too.
      local.web_acls, ["${local.elb_arn}:loadbalancer/app/${var.name_prefix}*"],
    )
  }

  statement {
    sid       = "ReadTheHttpApis"
    actions   = ["apigateway:GET"]
    resources = local.http_apis
  }
}

resource "aws_iam_policy" "read_stacks" {
  name        = "${var.name_prefix}read-stacks"
  description = "What a Terraform refresh of the pipeline and platform stacks reads"
  policy      = data.aws_iam_policy_document.read_stacks.json
}

# ---------------------------------------------------------------------------------------
# terraform-plan: pull requests' and deploys' plans (read, and hand saved plans over)
# ---------------------------------------------------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${var.name_prefix}terraform-plan"
  description          = "Read-only: plans the stacks for pull requests of ${var.github_repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["terraform-plan"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "plan_reads" {
  role       = aws_iam_role.plan.name
  policy_arn = aws_iam_policy.read_stacks.arn
}

# A deploy's plan jobs hand their saved plans to its apply job through plans/<run>/ of
# the state bucket (the apply job checks each plan's SHA-256 from the plan job's output).
data "aws_iam_policy_document" "hand_over_plans" {
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
}

resource "aws_iam_role_policy" "plan_hand_over" {
  name   = "hand-over-plans"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.hand_over_plans.json
}

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
      ["arn:${local.partition}:ecr:${local.region}:${local.account}:repository/${var.name_prefix}*"],
      ["${local.ecs_arn}:cluster/${var.name_prefix}*", "${local.ecs_arn}:service/${var.name_prefix}*", "${local.ecs_arn}:task-definition/${var.name_prefix}*"],
      ["${local.elb_arn}:loadbalancer/app/${var.name_prefix}*", "${local.elb_arn}:targetgroup/${var.name_prefix}*", "${local.elb_arn}:listener/app/${var.name_prefix}*", "${local.elb_arn}:listener-rule/app/${var.name_prefix}*"],
      ["arn:${local.partition}:lambda:${local.region}:${local.account}:function:${var.name_prefix}*"],
      local.log_groups, [for group in local.log_groups : "${group}:*"],
      ["arn:${local.partition}:sagemaker:${local.region}:${local.account}:*/${var.name_prefix}*"],
      ["arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/${var.name_prefix}*"],
      local.web_acls,
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
