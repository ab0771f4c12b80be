# The identities the GitHub workflows act as, made once by an administrator (the pipeline's
# first apply) and never by the deploy role they would widen: ml-engineer (train, publish,
# push images, smoke-test), terraform-plan (read-only plans) and terraform-deploy (applies
# the stacks). Every role the deploy role creates must carry the workload boundary defined
# here, and the deploy role may not change the boundary or any of these identities.
# The original design's static-key IAM user stays available behind enable_static_user.
#
# One file per identity (ml_engineer.tf, terraform_plan.tf, terraform_deploy.tf); this one
# holds what they share: who may assume each (GitHub's OIDC subjects) and the project's
# resources by ARN.

locals {
  name       = "${var.name_prefix}ml-engineer"
  oidc_host  = "token.actions.githubusercontent.com"
  repository = "repo:${var.github_repository}"
  # The pipeline's account makes ml-engineer and production's deploy role; a staging in
  # an account of its own gets its identities there (terraform/staging-account).
  artifacts_here = var.artifacts_account_id == null
  # Each environment deployed from this account, by prefix: staging's is production's plus
  # stg- (churn.names derives the same; a test checks), and it has a deploy role of its own.
  prefixes = { production = var.name_prefix, staging = "${var.name_prefix}stg-" }
  # The plan role's own names: in staging's own account staging's, so that production's
  # resource policies, which grant staging's roles by that prefix, grant it too.
  own_prefix = local.artifacts_here ? var.name_prefix : local.prefixes.staging
  environments = {
    for env, prefix in local.prefixes : env => prefix
    if env == "production" ? local.artifacts_here : var.staging || !local.artifacts_here
  }
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
  main_ref = "ref:refs/heads/${var.github_branch}"
  on_main  = "${local.repository}:${local.main_ref}:${local.main_ref}"
  deploys_from = {
    for env in keys(local.environments) :
    env => "${local.repository}:environment:${env == "production" ? var.github_environment : env}:${local.main_ref}"
  }
  # A pull request's ref is refs/pull/<number>/merge; only this repository's pull requests
  # get a token (forks' pull_request runs have none).
  pull_requests = "${local.repository}:pull_request:ref:refs/pull/*/merge"

  # Subjects per role and condition operator: StringEquals for exact subjects,
  # StringLike for patterns.
  trusted_subjects = merge(
    {
      # The train, image and smoke-test jobs: on main, no environment.
      ml-engineer = { StringEquals = [local.on_main] }
      # Pull requests plan for review; the deploy plans on main before its apply jobs.
      terraform-plan = { StringEquals = [local.on_main], StringLike = [local.pull_requests] }
    },
    # Each apply job: its environment, and main.
    { for env, subject in local.deploys_from : "terraform-deploy-${env}" => { StringEquals = [subject] } },
  )
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

# ---------------------------------------------------------------------------------------
# The project's resources by ARN, named once for the identities that read or change them
# ---------------------------------------------------------------------------------------

locals {
  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
  # <prefix without its hyphen>/<root>/terraform.tfstate (churn.names.state_key): one key
  # per environment, so no prefix pattern of one matches the other's.
  state_objects = { for env, prefix in local.environments : env => "${local.state_bucket_arn}/${trimsuffix(prefix, "-")}/*" }
  # The project's log groups: the Lambda's, the API's access logs, ECS tasks', flow logs,
  # WAF's (which WAF requires to be named aws-waf-logs-*).
  log_groups_of = { for env, prefix in local.prefixes : env => [
    for group in ["/aws/lambda/${prefix}*", "/aws/apigateway/${prefix}*", "/ecs/${prefix}*", "/vpc/${prefix}*", "aws-waf-logs-${prefix}*"] :
    "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${group}"
  ] }
  # The web ACL in front of the UI, and the AWS managed rule groups it references.
  web_acls_of = { for env, prefix in local.prefixes : env => [
    "arn:${local.partition}:wafv2:${local.region}:${local.account}:regional/webacl/${prefix}*/*",
    "arn:${local.partition}:wafv2:${local.region}:${local.account}:regional/managedruleset/*/*",
  ] }
  # HTTP APIs are named by generated ids: every API of the region, and its tags.
  http_apis = [for path in ["/apis", "/apis/*", "/tags/*"] : "arn:${local.partition}:apigateway:${local.region}::${path}"]
  ecs_arn   = "arn:${local.partition}:ecs:${local.region}:${local.account}"
  elb_arn   = "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account}"
  # Keys are named by generated ids: a key is the project's when an alias of its says so.
  project_key_aliases = ["alias/${var.name_prefix}*", "alias/${var.state_bucket}"]
  # What the stacks make under each environment's prefix, by name: what a plan reads and a
  # deploy changes (the load balancer's parts, the web ACLs and the HTTP APIs are added
  # where they differ). Both environments' patterns, whichever are deployed from here:
  # production's match staging's names too, and scope what the plan role reads.
  named_resources = { for env, prefix in local.prefixes : env => concat(
    ["arn:${local.partition}:ecr:${local.region}:${local.account}:repository/${prefix}*"],
    ["${local.ecs_arn}:cluster/${prefix}*", "${local.ecs_arn}:service/${prefix}*", "${local.ecs_arn}:task-definition/${prefix}*"],
    ["arn:${local.partition}:lambda:${local.region}:${local.account}:function:${prefix}*"],
    ["arn:${local.partition}:sagemaker:${local.region}:${local.account}:*/${prefix}*"],
    local.log_groups_of[env], [for group in local.log_groups_of[env] : "${group}:*"],
    ["arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/${prefix}*"],
    local.web_acls_of[env],
  ) }

}
