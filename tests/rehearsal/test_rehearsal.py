"""The GitOps loop through the real workflow files (act), against moto, the GitHub
stand-in and the API Gateway stand-in, as four stories that run side by side (each with
its own stand-ins):

- a retrained model proposed, reviewed, merged and its customer base scored: what each
  stack made, the retrain's pull request, the plan comment (created, then updated in place),
  the identities each job got, Batch Transform and the drift issue, a second environment's
  plan, the administrator's stacks destroyed;
- a new model on main deployed: the images, the release record, the one apply job, the
  smoke test through the API, the IAM analysis; a second release (the model only), a third
  that crashes in production (a planted fault) and is rolled back by its own deploy, then
  rollback.yml to `previous` (a release id instead is resolved by the same step: its tests
  are tests/ops/test_release.py's); empty second plans; the platform destroyed;
- staging switched on: two releases through staging then production (the same digests and
  bundle in both), one that crashes in staging (a planted fault) and never reaches
  production; the fence between the two deploy roles;
- the pull request's tier jobs: each selects its tier's tests, together every test once.

``make rehearse`` runs the same steps as one story, without the checks."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from churn import artifacts, storage
from churn.ops import releases
from tests.rehearsal import administered as administered_account
from tests.rehearsal.api_gateway import as_list
from tests.rehearsal.provider_calls import actions_by_role
from tests.rehearsal.rehearsal import STATE_BUCKET, Rehearsal, RehearsalError, rehearsal_world
from tests.support.environments import REPO_ROOT
from tests.support.tiers import TIERS

PREFIX = "teleco-customer-churn-"
REPOSITORY = "repo:teleco-customer-churn/telco-churn"
MARKER = "<!-- churn-terraform-plan -->"
TFVARS = "terraform/platform/model.auto.tfvars"


def policy_statements(role: str) -> dict[str, dict[str, Any]]:
    iam = boto3.client("iam")
    statements: dict[str, dict[str, Any]] = {}
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        if attached["PolicyArn"].startswith("arn:aws:iam::aws:"):
            continue
        version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)
        statements |= {s["Sid"]: s for s in document["PolicyVersion"]["Document"]["Statement"]}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        statements |= {s["Sid"]: s for s in document["Statement"]}
    return statements


def subjects(role: str) -> list[str]:
    """Every OIDC subject (exact, or a StringLike pattern) the role's trust accepts."""
    trust = boto3.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    found: list[str] = []
    for statement in trust["Statement"]:
        for operator in ("StringEquals", "StringLike"):
            values = (
                statement["Condition"]
                .get(operator, {})
                .get("token.actions.githubusercontent.com:sub", [])
            )
            found += [values] if isinstance(values, str) else values
    return sorted(found)


def check_pipeline(rehearsal: Rehearsal, outputs: dict[str, Any], admin: Path) -> None:
    key = "teleco-customer-churn/pipeline/terraform.tfstate"  # the prefix's own state key
    state = boto3.client("s3").get_object(Bucket=STATE_BUCKET, Key=key)
    assert json.loads(state["Body"].read())["resources"]
    assert str(outputs["bucket_name"]).startswith(f"{PREFIX}models-")
    assert "ml_engineer_access_key_id" not in outputs  # null: the static user is off
    repositories = boto3.client("ecr").describe_repositories()["repositories"]
    assert {r["imageTagMutability"] for r in repositories} == {"IMMUTABLE"}
    # Lambda may pull the API image by the repository's own policy.
    pull = json.loads(
        boto3.client("ecr").get_repository_policy(repositoryName=f"{PREFIX}api")["policyText"]
    )["Statement"][0]
    assert pull["Principal"] == {"Service": "lambda.amazonaws.com"}

    family = str(outputs["training_task_family"])
    engineer = policy_statements(f"{PREFIX}ml-engineer")
    assert engineer["RunTheTrainingTask"]["Resource"].endswith(f"task-definition/{family}:*")
    assert engineer["ReadTheTrainingTaskDefinition"]["Action"] == "ecs:DescribeTaskDefinition"
    # No API of its own: it may only become the platform's smoke-test role.
    assert (engineer["SmokeTestTheApi"]["Action"], engineer["SmokeTestTheApi"]["Resource"]) == (
        "sts:AssumeRole",
        f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}smoke-test-role",
    )
    assert not [s for s in engineer.values() if "execute-api" in str(s["Action"])]
    planner = policy_statements(f"{PREFIX}terraform-plan")
    assert planner["HandOverSavedPlans"]["Resource"] == f"arn:aws:s3:::{STATE_BUCKET}/plans/*"

    # Every subject names the ref: the environment alone no longer admits any branch.
    on_main = f"{REPOSITORY}:ref:refs/heads/main:ref:refs/heads/main"
    assert subjects(f"{PREFIX}ml-engineer") == [on_main]
    assert subjects(f"{PREFIX}terraform-plan") == [
        f"{REPOSITORY}:pull_request:ref:refs/pull/*/merge",
        on_main,
    ]
    assert subjects(f"{PREFIX}terraform-deploy") == [
        f"{REPOSITORY}:environment:production:ref:refs/heads/main"
    ]
    boundary = f"arn:aws:iam::123456789012:policy/{PREFIX}workload-boundary"
    for role in ("training-execution-role", "training-task-role"):
        assert (
            boto3.client("iam").get_role(RoleName=f"{PREFIX}{role}")["Role"]["PermissionsBoundary"][
                "PermissionsBoundaryArn"
            ]
            == boundary
        )

    static = rehearsal.stack(
        admin,
        "plan",
        "pipeline",
        "--keep-deployed",
        extra_env={"TF_VAR_enable_static_ci_user": "true"},
    )
    assert "Plan: 3 to add, 0 to change, 0 to destroy" in static["stdout"]
    assert "aws_iam_access_key.static[0]" in static["stdout"]


def check_retrain(rehearsal: Rehearsal, pull: dict[str, Any], bucket: str) -> str:
    """The pull request the retrain opened; the new version."""
    state = rehearsal.github.state
    assert pull["user"]["login"] == "churn-retrain[bot]" and pull["starts_workflows"]
    branch = str(pull["head"]["ref"])
    version = branch.removeprefix("retrain/")
    assert pull["title"] == f"Serve model {version}"
    assert "| CV ROC-AUC (mean of 5x3 folds) |" in pull["body"]
    changed = rehearsal.git(state.origin, "diff", "--name-only", "main", branch)
    assert changed == TFVARS
    assert f'"{version}"' in rehearsal.git(state.origin, "show", f"{branch}:{TFVARS}")
    manifest = f"models/{version}/{artifacts.MANIFEST}"
    assert boto3.client("s3").head_object(Bucket=bucket, Key=manifest)["ContentLength"] > 0
    assert len(rehearsal.recorded("app_tokens")) == 1
    return version


def plan_comments(rehearsal: Rehearsal) -> list[dict[str, Any]]:
    return [c for c in rehearsal.github.state.comments.values() if c["body"].startswith(MARKER)]


def check_score(rehearsal: Rehearsal, published: str, version: str) -> None:
    """The scoring run: Batch Transform on the model main serves, drift found, one issue."""
    location = storage.S3Location.parse(published)
    s3 = boto3.client("s3")
    summary = json.loads(
        s3.get_object(Bucket=location.bucket, Key=location.child("summary.json").key)["Body"].read()
    )
    assert (summary["engine"], summary["model_version"]) == ("batch-transform", version)
    assert summary["rows"]["scored"] == 20_000
    assert summary["drift"]["status"] == "act"
    (job,) = boto3.client("sagemaker").list_transform_jobs()["TransformJobSummaries"]
    assert job["TransformJobName"].startswith(f"{PREFIX}score-{version}-")
    (issue,) = rehearsal.github.state.issues.values()
    assert (issue["title"], issue["user"]["login"]) == (
        "Drift: retraining advised",
        "github-actions[bot]",
    )
    assert issue["body"].startswith(f"# Drift report: model {version}")


def check_platform(rehearsal: Rehearsal, bucket: str, version: str) -> releases.Release:
    """What the deploy applied: exactly its release record's images and bundle; the record."""
    log = releases.ReleaseLog(bucket, boto3.client("s3"))
    (release_id,) = log.ids()
    release = log.read(release_id)
    assert release.git_sha == rehearsal.head("main")
    # The first release: the Terraform checks ran in its deploy, beside the record and the
    # plans, on the inputs it records; they gated its applies, and being deployed is what
    # makes it count as checked for a later commit (none is named in the record).
    assert release.verified == []
    assert len(release.checked_inputs) == 64
    assert (release.bundle.version, release.bundle.uri) == (
        version,
        f"s3://{bucket}/models/{version}/",
    )
    sagemaker = boto3.client("sagemaker")
    endpoint = sagemaker.describe_endpoint(EndpointName=f"{PREFIX}xgboost-endpoint")
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    variant = config["ProductionVariants"][0]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    model = sagemaker.describe_model(ModelName=variant["ModelName"])
    assert not model.get("EnableNetworkIsolation")  # a serverless exclusion
    assert (
        model["PrimaryContainer"]["ModelDataUrl"] == f"s3://{bucket}/models/{version}/model.tar.gz"
    )

    functions = boto3.client("lambda")
    function = functions.get_function_configuration(FunctionName=f"{PREFIX}prediction-api")
    variables = function["Environment"]["Variables"]
    assert variables["CHURN_BUNDLE"] == release.bundle.uri
    assert variables["CHURN_RELEASE"] == release.id
    image = functions.get_function(FunctionName=f"{PREFIX}prediction-api")["Code"]["ImageUri"]
    assert image == release.images["api"].reference  # by digest, as the record names it
    (ui_family,) = boto3.client("ecs").list_task_definition_families(familyPrefix=f"{PREFIX}ui")[
        "families"
    ]
    ui_task = boto3.client("ecs").describe_task_definition(taskDefinition=ui_family)
    assert ui_task["taskDefinition"]["containerDefinitions"][0]["image"] == (
        release.images["ui"].reference
    )
    training = boto3.client("ecs").describe_task_definition(taskDefinition=f"{PREFIX}training")
    assert training["taskDefinition"]["containerDefinitions"][0]["image"] == (
        release.images["training"].reference
    )
    concurrency = functions.get_function_concurrency(FunctionName=f"{PREFIX}prediction-api")
    assert "ReservedConcurrentExecutions" not in concurrency  # opt-in

    api = boto3.client("apigatewayv2")
    found = [a for a in api.get_apis()["Items"] if a["Name"] == f"{PREFIX}prediction-api"]
    assert len(found) == 1
    routes = api.get_routes(ApiId=found[0]["ApiId"])["Items"]
    assert [(r["RouteKey"], r["AuthorizationType"]) for r in routes] == [("$default", "AWS_IAM")]

    elb = boto3.client("elbv2")
    groups = elb.describe_target_groups(Names=[f"{PREFIX}alb-ui"])["TargetGroups"]
    assert (groups[0]["HealthCheckPath"], groups[0]["TargetType"]) == ("/_stcore/health", "ip")
    nat_gateways = boto3.client("ec2").describe_nat_gateways()["NatGateways"]
    tagged = {"Key": "NamePrefix", "Value": PREFIX}  # production's, not staging's
    available = [n for n in nat_gateways if n["State"] == "available" and tagged in n["Tags"]]
    assert len({n["SubnetId"] for n in available}) == 2

    # The smoke test went through the API's public endpoint, signed, and was authorized for
    # the path after the stage (api-id/v1/POST/predictions), as the smoke-test role that
    # ml-engineer assumed (ml-engineer itself may invoke no API).
    calls = [c for c in rehearsal.gateway.calls if c["function"] == f"{PREFIX}prediction-api"]
    assert calls and {c["status"] for c in calls} == {200}
    assert {c["resource"].split("/", 1)[1] for c in calls} == {"v1/POST/predictions"}
    assert {c["role"].rsplit("/", 1)[1] for c in calls} == {f"{PREFIX}smoke-test-role"}
    # The smoke test's verdict is in the release's log: production serves it, verified.
    events = [(e.environment, e.kind) for e in log.events([release.id])]
    assert [(where, kind) for where, kind in events if where == "production"] == [
        ("production", "deployed"),
        ("production", "smoke-passed"),
        ("production", "live"),
    ]
    return release


def identities(rehearsal: Rehearsal) -> set[tuple[str, str, str]]:
    """(job, role, OIDC subject) of every credential a job was handed."""
    return {
        (c["job"], c["role"].rsplit("/", 1)[1].removeprefix(PREFIX), c["subject"].split(":", 2)[2])
        for c in rehearsal.recorded("credentials")
    }


# ---------------------------------------------------------------------------------------
# IAM: Principal Mapper reads the account the stacks made. moto evaluates neither
# permissions boundaries nor the condition keys these rules stand on (iam:PolicyARN,
# iam:PermissionsBoundary, iam:PassedToService, kms:ResourceAliases, aws:RequestedRegion),
# so PMapper's policy simulator answers instead, over the documents Terraform applied.
# ---------------------------------------------------------------------------------------

ACCOUNT = "123456789012"
IAM_ARN = f"arn:aws:iam::{ACCOUNT}"
BOUNDARY = f"{IAM_ARN}:policy/{PREFIX}workload-boundary"
WITH_BOUNDARY = {"iam:PermissionsBoundary": BOUNDARY}
DEPLOY, PLAN, ENGINEER, SMOKE = (
    f"role/{PREFIX}{r}"
    for r in ("terraform-deploy", "terraform-plan", "ml-engineer", "smoke-test-role")
)
LAMBDA_ROLE = f"{IAM_ARN}:role/{PREFIX}lambda-execution-role"
LAMBDA = f"role/{PREFIX}lambda-execution-role"
MODELS = f"arn:aws:s3:::{PREFIX}models-{ACCOUNT}"
STATE_OBJECT = f"arn:aws:s3:::{STATE_BUCKET}/teleco-customer-churn/platform/terraform.tfstate"
IN_REGION = {"aws:RequestedRegion": "eu-central-1"}
BUNDLE_OBJECT = f"{MODELS}/models/20261124T001109Z-b4f6bc/model.tar.gz"
ADMINISTRATOR_ACCESS = {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}
BATCH_ROLE = f"{IAM_ARN}:role/{PREFIX}batch-scoring-role"
SCORES_OBJECT = f"{MODELS}/scores/2026-12-07/scores.csv"
RELEASE_OBJECT = f"{MODELS}/releases/20261206T180000Z-1a0f6bb/release.json"
RELEASE_EVENT = f"{MODELS}/releases/20261206T180000Z-1a0f6bb/events/x-production-live.json"


def regional(service: str, resource: str) -> str:
    return f"arn:aws:{service}:eu-central-1:{ACCOUNT}:{resource}"


def passed_to(service: str) -> dict[str, str]:
    return {"iam:PassedToService": f"{service}.amazonaws.com"}


def ask(principal: str, action: str, resource: str | None, **context: Any) -> dict[str, Any]:
    """A question for PMapper's simulator; without a resource: does any Allow name it."""
    return {"principal": principal, "action": action, "resource": resource, "context": context}


# Each a way a role holder could make itself (or another CI identity) stronger.
ESCALATIONS = [
    ask(DEPLOY, "iam:AttachRolePolicy", f"{IAM_ARN}:{DEPLOY}",
        **ADMINISTRATOR_ACCESS),
    ask(DEPLOY, "iam:PutRolePolicy", f"{IAM_ARN}:{DEPLOY}", **WITH_BOUNDARY),
    ask(DEPLOY, "iam:UpdateAssumeRolePolicy", f"{IAM_ARN}:{DEPLOY}"),
    ask(DEPLOY, "iam:CreateRole", f"{IAM_ARN}:role/{PREFIX}escalator"),
    ask(DEPLOY, "iam:CreateRole", f"{IAM_ARN}:role/{PREFIX}escalator",
        **{"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    ask(DEPLOY, "iam:PutRolePolicy", f"{IAM_ARN}:{ENGINEER}", **WITH_BOUNDARY),
    ask(DEPLOY, "iam:UpdateAssumeRolePolicy", f"{IAM_ARN}:{ENGINEER}"),
    ask(DEPLOY, "iam:CreatePolicyVersion", f"{IAM_ARN}:policy/{PREFIX}ml-engineer"),
    ask(DEPLOY, "iam:CreatePolicyVersion", BOUNDARY),
    ask(DEPLOY, "iam:CreatePolicyVersion", f"{IAM_ARN}:policy/{PREFIX}terraform-deploy"),
    ask(DEPLOY, "iam:DeleteRolePermissionsBoundary", LAMBDA_ROLE),
    ask(DEPLOY, "iam:AttachRolePolicy", LAMBDA_ROLE,
        **WITH_BOUNDARY, **ADMINISTRATOR_ACCESS),
    ask(DEPLOY, "iam:PassRole", LAMBDA_ROLE, **{"iam:PassedToService": "ec2.amazonaws.com"}),
    ask(DEPLOY, "iam:PassRole", f"{IAM_ARN}:{DEPLOY}", **passed_to("lambda")),
    ask(DEPLOY, "iam:CreateUser", f"{IAM_ARN}:user/{PREFIX}escalator"),
    ask(DEPLOY, "iam:CreateAccessKey", f"{IAM_ARN}:user/{PREFIX}ml-engineer"),
    ask(DEPLOY, "s3:PutObject", BUNDLE_OBJECT),
    ask(DEPLOY, "s3:PutBucketPolicy", MODELS),
    ask(ENGINEER, "s3:DeleteObject", BUNDLE_OBJECT),
    ask(ENGINEER, "iam:PassRole", LAMBDA_ROLE, **passed_to("lambda")),
    ask(ENGINEER, "iam:PassRole", BATCH_ROLE, **passed_to("ecs-tasks")),
    ask(ENGINEER, "sagemaker:CreateTransformJob", regional("sagemaker", "transform-job/other")),
    ask(ENGINEER, "sagemaker:CreateModel", regional("sagemaker", "model/other")),
    ask(ENGINEER, "s3:DeleteObject", f"{MODELS}/customers/base.csv"),
    ask(LAMBDA, "s3:GetObject", f"{MODELS}/customers/base.csv"),
    ask(LAMBDA, "s3:PutObject", SCORES_OBJECT),
    ask(ENGINEER, "execute-api:Invoke", regional("execute-api", "someapi/v1/POST/predictions")),
    ask(SMOKE, "execute-api:Invoke", regional("execute-api", "someapi/v1/POST/predictions")),
    ask(SMOKE, "s3:GetObject", BUNDLE_OBJECT),
    ask(PLAN, "sts:AssumeRole", f"{IAM_ARN}:{SMOKE}"),
    ask(PLAN, "s3:GetObject", f"{MODELS}/data/telco-customer-churn.csv"),
    ask(PLAN, "s3:PutObject", RELEASE_OBJECT),
    ask(ENGINEER, "s3:DeleteObject", RELEASE_OBJECT),
    ask(DEPLOY, "s3:PutObject", RELEASE_OBJECT),  # events only: the record is the release job's
    ask(PLAN, "lambda:GetFunction", regional("lambda", "function:someone-elses")),
    ask(PLAN, "secretsmanager:GetSecretValue", regional("secretsmanager", "secret:x")),
]  # fmt: skip

# What the deploy and plan jobs really do.
DUTIES = [
    ask(DEPLOY, "iam:CreateRole", LAMBDA_ROLE, **WITH_BOUNDARY),
    ask(DEPLOY, "iam:PutRolePolicy", LAMBDA_ROLE, **WITH_BOUNDARY),
    ask(DEPLOY, "iam:PassRole", LAMBDA_ROLE, **passed_to("lambda")),
    ask(DEPLOY, "iam:PassRole", f"{IAM_ARN}:role/{PREFIX}sagemaker-execution-role",
        **passed_to("sagemaker")),
    ask(DEPLOY, "iam:PassRole", f"{IAM_ARN}:role/{PREFIX}training-task-role",
        **passed_to("ecs-tasks")),
    ask(DEPLOY, "iam:PassRole", f"{IAM_ARN}:role/{PREFIX}vpc-flow-logs-role",
        **passed_to("vpc-flow-logs")),
    ask(DEPLOY, "lambda:CreateFunction", regional("lambda", f"function:{PREFIX}prediction-api")),
    ask(DEPLOY, "sagemaker:CreateEndpoint", regional("sagemaker", f"endpoint/{PREFIX}endpoint")),
    ask(DEPLOY, "ecs:CreateService", regional("ecs", f"service/{PREFIX}cluster/{PREFIX}service")),
    ask(DEPLOY, "ecs:RegisterTaskDefinition", "*"),
    ask(DEPLOY, "elasticloadbalancing:CreateLoadBalancer",
        regional("elasticloadbalancing", f"loadbalancer/app/{PREFIX}alb/0123456789abcdef")),
    ask(DEPLOY, "ec2:CreateVpc", "*", **IN_REGION),
    ask(DEPLOY, "ec2:CreateNatGateway", "*", **IN_REGION),
    ask(DEPLOY, "apigateway:POST", "arn:aws:apigateway:eu-central-1::/apis"),
    ask(DEPLOY, "logs:CreateLogGroup", regional("logs", f"log-group:/aws/lambda/{PREFIX}api")),
    ask(DEPLOY, "logs:CreateLogDelivery", "*"),
    ask(DEPLOY, "ssm:PutParameter", regional("ssm", f"parameter/{PREFIX}ui/API_ENDPOINT")),
    ask(DEPLOY, "s3:PutObject", STATE_OBJECT),
    ask(DEPLOY, "ecr:PutImage", regional("ecr", f"repository/{PREFIX}api")),
    ask(DEPLOY, "wafv2:AssociateWebACL", regional("wafv2", f"regional/webacl/{PREFIX}ui/0f1e2d3c")),
    ask(DEPLOY, "s3:GetObject", f"arn:aws:s3:::{STATE_BUCKET}/plans/42/production/platform.tfplan"),
    ask(PLAN, "s3:GetObject", STATE_OBJECT),
    ask(PLAN, "s3:PutObject", f"arn:aws:s3:::{STATE_BUCKET}/plans/42/platform.tfplan"),
    ask(PLAN, "ec2:DescribeVpcs", "*"),
    ask(PLAN, "iam:GetRole", LAMBDA_ROLE),
    ask(PLAN, "kms:DescribeKey", regional("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        **{"kms:ResourceAliases": [f"alias/{PREFIX}models-{ACCOUNT}"]}),
    ask(PLAN, "lambda:GetFunction", regional("lambda", f"function:{PREFIX}prediction-api")),
    ask(PLAN, "apigateway:GET", "arn:aws:apigateway:eu-central-1::/apis/a1b2c3"),
    ask(ENGINEER, "s3:PutObject", BUNDLE_OBJECT),
    ask(ENGINEER, "sts:AssumeRole", f"{IAM_ARN}:{SMOKE}"),
    # churn-release: the record and its events written, read back; the plans read it.
    ask(ENGINEER, "s3:PutObject", RELEASE_OBJECT),
    ask(ENGINEER, "s3:GetObject", RELEASE_OBJECT),
    ask(ENGINEER, "ecr:DescribeRepositories", regional("ecr", f"repository/{PREFIX}api")),
    ask(PLAN, "s3:GetObject", RELEASE_OBJECT),
    # churn-release watch, in the approved apply job: the bundle, the log, the smoke test.
    ask(DEPLOY, "s3:GetObject", BUNDLE_OBJECT),
    ask(DEPLOY, "s3:GetObject", RELEASE_OBJECT),
    ask(DEPLOY, "s3:PutObject", RELEASE_EVENT),
    ask(DEPLOY, "sts:AssumeRole", f"{IAM_ARN}:{SMOKE}"),
    # churn-score --engine batch-transform (score.yml): moto enforces none of these.
    ask(ENGINEER, "s3:GetObject", f"{MODELS}/customers/base.csv"),
    ask(ENGINEER, "s3:PutObject", SCORES_OBJECT),
    ask(ENGINEER, "s3:AbortMultipartUpload", SCORES_OBJECT),
    ask(ENGINEER, "s3:PutObject", f"{MODELS}/scores-work/2026-12-07/features/part-00000.csv"),
    ask(ENGINEER, "sagemaker:CreateModel", regional("sagemaker", f"model/{PREFIX}score-v1")),
    ask(ENGINEER, "sagemaker:CreateTransformJob",
        regional("sagemaker", f"transform-job/{PREFIX}score-v1-a1b2c3")),
    ask(ENGINEER, "sagemaker:AddTags",
        regional("sagemaker", f"transform-job/{PREFIX}score-v1-a1b2c3")),
    ask(ENGINEER, "iam:PassRole", BATCH_ROLE, **passed_to("sagemaker")),
    # GET /v1/scores/latest from the Lambda: list the runs, read the latest's files.
    ask(LAMBDA, "s3:ListBucket", MODELS, **{"s3:prefix": "scores/"}),
    ask(LAMBDA, "s3:GetObject", f"{MODELS}/scores/2026-12-07-1/summary.json"),
]  # fmt: skip


# IAM's size quotas, which moto does not enforce: a managed policy's document at most
# 6,144 characters, a role's inline policies together at most 10,240 (whitespace not
# counted; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
MANAGED_POLICY_CHARACTERS = 6_144
INLINE_POLICIES_CHARACTERS = 10_240


def characters(document: Any) -> int:
    return len(re.sub(r"\s", "", json.dumps(document, separators=(",", ":"))))


def policy_sizes() -> tuple[dict[str, int], dict[str, int]]:
    """Characters of every customer managed policy, and of every role's inline policies."""
    iam = boto3.client("iam")
    managed = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        version = iam.get_policy_version(
            PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
        )
        managed[policy["PolicyName"]] = characters(version["PolicyVersion"]["Document"])
    inline = {}
    for role in iam.list_roles()["Roles"]:
        names = iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
        inline[role["RoleName"]] = sum(
            characters(
                iam.get_role_policy(RoleName=role["RoleName"], PolicyName=n)["PolicyDocument"]
            )
            for n in names
        )
    return managed, inline


def check_policy_sizes(rehearsal: Rehearsal) -> dict[str, int]:
    """Every policy of the account within IAM's quotas; the managed ones' sizes."""
    managed, inline = policy_sizes()
    assert {n: c for n, c in managed.items() if c > MANAGED_POLICY_CHARACTERS} == {}
    assert {n: c for n, c in inline.items() if c > INLINE_POLICIES_CHARACTERS} == {}
    rehearsal.say(f"rehearsal: managed policy characters: {dict(sorted(managed.items()))}")
    return managed


def check_iam(rehearsal: Rehearsal) -> dict[str, Any]:
    check_policy_sizes(rehearsal)
    calls = actions_by_role(rehearsal.records / "provider-calls")
    assert {f"{PREFIX}terraform-deploy", f"{PREFIX}terraform-plan"} <= set(calls)
    made = [
        ask(f"role/{role}", action, None) for role, done in calls.items() for action in sorted(done)
    ]
    # The smoke-test role may POST /v1/predictions to the deployed API, and nothing else.
    (api,) = boto3.client("apigatewayv2").get_apis()["Items"]
    on_the_api = regional("execute-api", f"{api['ApiId']}/v1")
    escalations = [*ESCALATIONS, ask(SMOKE, "execute-api:Invoke", f"{on_the_api}/GET/model")]
    duties = [*DUTIES, ask(SMOKE, "execute-api:Invoke", f"{on_the_api}/POST/predictions")]
    questions = escalations + duties + made
    analysis = rehearsal.iam_analysis(questions)
    assert {DEPLOY, PLAN, ENGINEER} <= set(analysis["principals"])
    assert analysis["admins"] == []  # no principal can make itself an administrator
    assert analysis["escalations"] == []
    assert not [f for f in analysis["findings"] if "Escalat" in f["title"]]
    # Who may become the smoke-test role: ml-engineer by its trust (evaluated by PMapper),
    # and the deploy role, which manages every workload role (all capped by the boundary).
    into_smoke = {e.split(" ", 1)[0]: e for e in analysis["edges"] if e.endswith(SMOKE)}
    assert set(into_smoke) == {ENGINEER, DEPLOY}
    assert "sts:AssumeRole" in into_smoke[ENGINEER]
    rehearsal.say(f"rehearsal: edges into the smoke-test role: {sorted(into_smoke.values())}")

    def said(answer: dict[str, Any]) -> str:
        return f"{answer['principal']} {answer['action']} {answer['resource'] or ''}"

    answers = analysis["answers"]
    escalated = [said(a) for a in answers[: len(escalations)] if a["allowed"]]
    refused = [said(a) for a in answers[len(escalations) :] if not a["allowed"]]
    assert escalated == [], "escalations PMapper allows"
    assert refused == [], "duties, or calls the provider made, that PMapper refuses"
    rehearsal.say(
        f"rehearsal: IAM analysis: {len(analysis['principals'])} principals, "
        f"{len(analysis['admins'])} administrators, {len(analysis['escalations'])} escalation "
        f"paths, {len(analysis['edges'])} edges; {len(escalations)} escalation attempts "
        f"refused; {len(duties)} duties and "
        + ", ".join(
            f"{len(done)} actions of {role}" for role, done in sorted(calls.items()) if done
        )
        + " allowed"
    )
    return analysis


@pytest.fixture
def rehearsal(data_path: Path, tmp_path: Path, terraform: dict[str, str]) -> Iterator[Rehearsal]:
    """Every stand-in the workflows reach, started for one test and stopped after it (once
    ``terraform`` has warmed the provider cache its jobs and the other workers share)."""
    steps = tmp_path / "steps.log"  # each step's time, kept for a slow run's post-mortem

    def say(line: str) -> None:
        print(line)
        with steps.open("a") as log:
            log.write(line + "\n")

    with rehearsal_world(REPO_ROOT, tmp_path / "rehearsal", data_path, say) as world:
        world.publish_source()
        yield world


@pytest.fixture(scope="session")
def administered(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the account its administrator set up is kept for every story: `make test`'s
    (tests/rehearsal/administered.py), else one common to this run's workers."""
    if os.environ.get(administered_account.SHARED_ENV):
        return Path(os.environ[administered_account.SHARED_ENV])
    xdist = hasattr(pytestconfig, "workerinput")
    shared = tmp_path_factory.getbasetemp().parent if xdist else tmp_path_factory.mktemp("adm")
    return shared / "administered"


def set_up_by_the_administrator(rehearsal: Rehearsal, shared: Path) -> tuple[Path, dict[str, Any]]:
    """README, "Fork and deploy": bootstrap and the pipeline applied by hand, the
    repository secured and configured. The administrator's checkout and the pipeline's
    outputs. The stacks are applied once a run and loaded by each story (moto's state and
    bootstrap's local state file, copied: tests/rehearsal/administered.py), the same tree
    applied by the same commands; each story secures and configures its own GitHub."""
    admin, pipeline = administered_account.set_up(rehearsal, shared)
    said = rehearsal.secure_github()
    assert "OIDC subjects now carry repo, context, ref" in said
    rehearsal.configure_github(pipeline)
    return admin, pipeline


# Each test below is a story of its own, with its own moto, GitHub and gateway stand-ins, so
# they run side by side on parallel workers; `make rehearse` runs them as one story.


@pytest.mark.timeout(1800)  # about 5 minutes here, beside the others
def test_a_retrained_model_is_proposed_reviewed_merged_and_its_base_scored(
    rehearsal: Rehearsal,
    administered: Path,
) -> None:
    admin, pipeline = set_up_by_the_administrator(rehearsal, administered)
    check_pipeline(rehearsal, pipeline, admin)
    production = rehearsal.github.state.environments["production"]
    assert [p["name"] for p in production["policies"].values()] == ["main"]
    assert len(production["reviewers"]) == 1
    bucket = str(pipeline["bucket_name"])
    # Before any bundle exists, the platform refuses at plan time, applying nothing.
    with pytest.raises(RehearsalError, match=r"has no complete bundle in\s+s3://"):
        rehearsal.stack(admin, "plan", "platform", "--keep-deployed")

    pull = rehearsal.retrain(rehearsal.upload_data(bucket))
    version = check_retrain(rehearsal, pull, bucket)

    # Dependabot's pull requests get no secrets: the plans are skipped with a notice.
    log = rehearsal.review(pull, checks=False, secrets_withheld=("AWS_PLAN_ROLE_ARN",))
    assert log.count("::notice title=plan skipped::") == 2
    assert "Success - Main plan" not in log
    assert plan_comments(rehearsal) == []

    rehearsal.review(pull)
    (comment,) = plan_comments(rehearsal)
    assert comment["user"]["login"] == "github-actions[bot]"
    assert "| pipeline | 0 | 0 | 0 | 0 |" in comment["body"]  # the deployed tag is kept
    assert "| platform | 64 | 0 | 0 | 0 |" in comment["body"]
    assert {a["retention_days"] for a in rehearsal.recorded("artifacts")} == {1}
    assert {s["category"] for s in rehearsal.recorded("sarif")} == {"checkov"}

    rehearsal.push_to_branch(
        pull["head"]["ref"], "README.md", (REPO_ROOT / "README.md").read_text() + "\n", "Docs"
    )
    rehearsal.review(pull, checks=False)
    assert [c["id"] for c in plan_comments(rehearsal)] == [comment["id"]]  # updated in place
    # What the workflows changed (the administrator's secure-repository PATCHes settings).
    patches = [c for c in rehearsal.github.state.calls if c[0] == "PATCH" and c[2] != "fork-owner"]
    assert patches == [
        (
            "PATCH",
            f"/repos/{rehearsal.repository}/issues/comments/{comment['id']}",
            "github-actions[bot]",
        )
    ]

    # Merged, main serves the new version: the weekly scoring run uses it (score.yml needs
    # the pipeline's bucket and scoring role, not the platform).
    rehearsal.merge(pull)
    check_score(rehearsal, rehearsal.score(bucket), version)
    main = "ref:refs/heads/main:ref:refs/heads/main"
    assert identities(rehearsal) >= {
        ("train", "ml-engineer", main),
        ("plan", "terraform-plan", f"pull_request:ref:refs/pull/{pull['number']}/merge"),
        ("score", "ml-engineer", main),
    }
    assert not [i for i in identities(rehearsal) if "environment" in i[2]]  # no deploy here

    # A second prefix has its own state: it would create everything and touch nothing.
    admin = rehearsal.admin_checkout()
    pipeline_resources = len(rehearsal.state_list(admin, "pipeline"))
    second = rehearsal.plan_second_environment(admin, "teleco-churn-second-")
    assert second == f"Plan: {pipeline_resources} to add, 0 to change, 0 to destroy."
    # The stacks the administrator made come down (the platform's teardown is the deploy
    # test's).
    rehearsal.destroy_all(
        admin, {"pipeline": bucket, "bootstrap": STATE_BUCKET}, roots=("pipeline", "bootstrap")
    )
    buckets = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}
    assert not {bucket, STATE_BUCKET} & buckets


@pytest.mark.timeout(2600)  # about 13 minutes here, beside the others: less than the staging story
def test_a_new_model_on_main_is_deployed_rolled_back_and_converges(
    rehearsal: Rehearsal,
    administered: Path,
) -> None:
    admin, pipeline = set_up_by_the_administrator(rehearsal, administered)
    bucket = str(pipeline["bucket_name"])
    data_uri = rehearsal.upload_data(bucket)
    version = rehearsal.admin_retrain(admin, data_uri, bucket)

    rehearsal.deploy()
    release = check_platform(rehearsal, bucket, version)
    for name, image in release.images.items():  # tagged for the lifecycle that keeps them
        details = boto3.client("ecr").describe_images(
            repositoryName=f"{PREFIX}{name}", imageIds=[{"imageDigest": image.digest}]
        )["imageDetails"]
        assert set(details[0]["imageTags"]) == {release.git_sha, f"release-{release.id}"}
    assert len(rehearsal.recorded("pushes")) == 3
    main = "ref:refs/heads/main:ref:refs/heads/main"
    assert identities(rehearsal) >= {
        ("plan", "terraform-plan", main),
        ("build-push", "ml-engineer", main),
        ("release", "ml-engineer", main),
        ("apply", "terraform-deploy", "environment:production:ref:refs/heads/main"),
    }
    assert {job for job, _, subject in identities(rehearsal) if "environment" in subject} == {
        "apply"
    }

    # A second release changes the model only; a third (docs only) crashes in production and
    # is rolled back by its own deploy; then rollback.yml to `previous` (the first), without
    # a build or a training.
    second = check_second_release(rehearsal, admin, data_uri, bucket, release)
    crashed = check_a_crashing_release_rolls_back_by_itself(rehearsal, bucket, second)
    pushes = len(rehearsal.recorded("pushes"))
    check_rollback(rehearsal, rehearsal.rollback("previous"), release)
    assert len(rehearsal.recorded("pushes")) == pushes  # no image built
    events = releases.ReleaseLog(bucket, boto3.client("s3")).events()
    assert [(e.release, e.kind) for e in events][6:] == [
        (crashed.id, "deployed"), (crashed.id, "smoke-failed"),
        (second.id, "smoke-passed"), (second.id, "live"), (crashed.id, "rolled-back"),
        (release.id, "deployed"), (release.id, "smoke-passed"), (release.id, "live"),
        (second.id, "rolled-back"),
    ]  # fmt: skip
    assert recorded_deployments(rehearsal) == [(release.git_sha, "production", ["success"])]
    # After every deploy and rollback: each call the provider made is asked of PMapper.
    check_iam(rehearsal)

    admin = rehearsal.admin_checkout()
    assert rehearsal.unconverged(admin, release.id) == []  # the live release, planned again
    rehearsal.destroy_all(admin, {}, roots=("platform",))
    assert not boto3.client("sagemaker").list_endpoints(NameContains=f"{PREFIX}xgboost")[
        "Endpoints"
    ]


@pytest.mark.timeout(2700)  # about 14 minutes here, beside the others: the longest story
def test_with_staging_on_each_release_reaches_production_only_through_it(
    rehearsal: Rehearsal,
    administered: Path,
) -> None:
    """The fork's administrator, production set up, turns staging on (a committed setting,
    the pipeline applied again, a secret, a variable). Two releases go through staging,
    then production, the second a new model only: production serves exactly what staging
    verified. A release that crashes in staging (a planted fault) goes back there to the one
    before it and never reaches production. rollback.yml takes staging back to the first
    release by its id. (Production's own crash and rollback and the platform's teardown are
    the deploy story's: this one ends the suite, so it holds no more.)"""
    tfvars = "terraform/pipeline/terraform.tfvars"
    setting = (
        (REPO_ROOT / tfvars).read_text().replace("enable_staging = false", "enable_staging = true")
    )
    assert "enable_staging = true" in setting
    admin, pipeline = set_up_by_the_administrator(rehearsal, administered)
    assert pipeline.get("staging_deploy_role_arn") is None
    rehearsal.push_to_branch("main", tfvars, setting, "Staging on")
    pipeline = rehearsal.admin_apply(rehearsal.admin_checkout(), "pipeline")
    assert str(pipeline["staging_deploy_role_arn"]).endswith(f":{STAGE_DEPLOY}")
    rehearsal.configure_github(pipeline)
    assert "environment staging: branch main only, 0 required reviewer(s)" in (
        rehearsal.secure_github("staging")
    )
    bucket = str(pipeline["bucket_name"])
    data_uri = rehearsal.upload_data(bucket)
    version = rehearsal.admin_retrain(admin, data_uri, bucket)
    log = rehearsal.deploy()
    first = check_platform(rehearsal, bucket, version)
    check_promoted(rehearsal, bucket, first)
    passed = [e for e in releases.ReleaseLog(bucket, boto3.client("s3")).events([first.id])]
    assert f"release {first.id} passed staging's smoke test at {passed[1].at}" in log
    assert ("apply", f"{STAGING}terraform-deploy", "environment:staging:ref:refs/heads/main") in {
        (job, f"{PREFIX}{role}", subject) for job, role, subject in identities(rehearsal)
    }

    second = check_second_release(rehearsal, admin, data_uri, bucket, first)
    check_promoted(rehearsal, bucket, second)
    third = check_a_release_crashing_in_staging_never_reaches_production(rehearsal, bucket, second)
    events = releases.ReleaseLog(bucket, boto3.client("s3")).events([third.id])
    assert [(e.environment, e.kind) for e in events] == [
        ("staging", "deployed"), ("staging", "smoke-failed"), ("staging", "rolled-back"),
    ]  # fmt: skip
    assert not rehearsal.github.state.deployments  # a deploy's outcome is its run's

    # rollback.yml in staging, to a release id: staging's platform alone is planned and
    # applied; production goes on serving the second release.
    pushes = len(rehearsal.recorded("pushes"))
    log = rehearsal.rollback(first.id, environment="staging")
    check_rollback(rehearsal, log, first, STAGING)
    assert len(rehearsal.recorded("pushes")) == pushes  # no image built
    assert not [line for line in log.splitlines() if line.startswith("[plan-pipeline/")]
    assert served(PREFIX) == (second.id, second.images["api"].reference, second.bundle.uri)
    events = releases.ReleaseLog(bucket, boto3.client("s3")).events([first.id, second.id])
    assert [(e.release, e.kind) for e in events if e.environment == "staging"][-4:] == [
        (first.id, "deployed"), (first.id, "smoke-passed"), (first.id, "live"),
        (second.id, "rolled-back"),
    ]  # fmt: skip
    assert recorded_deployments(rehearsal) == [(first.git_sha, "staging", ["success"])]
    # Last, so that every call the provider made for either role, the second release's, the
    # crash's way back and the rollback's included, is asked of PMapper: moto enforces none.
    check_fence(rehearsal)


STAGING = f"{PREFIX}stg-"
STAGE_DEPLOY = f"role/{STAGING}terraform-deploy"
SCALING = "ecs.application-autoscaling.amazonaws.com"
SCALING_ROLE = (
    f"{IAM_ARN}:role/aws-service-role/{SCALING}/AWSServiceRoleForApplicationAutoScaling_ECSService"
)


def check_trusted_roles_exist() -> int:
    """Every role a trust policy of the account names exists: IAM refuses a trust policy
    naming a principal that does not (MalformedPolicyDocument: Invalid principal); moto
    accepts it. The number of (trusting role, trusted role) pairs."""
    iam = boto3.client("iam")
    roles = [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    arns = {role["Arn"] for role in roles}
    trusts = [
        (role["RoleName"], arn)
        for role in roles
        for statement in role["AssumeRolePolicyDocument"]["Statement"]
        for arn in as_list(statement.get("Principal", {}).get("AWS", []))
        if ":role/" in arn
    ]
    assert [t for t in trusts if t[1] not in arns] == [], "trusts naming roles that do not exist"
    return len(trusts)


def ui_image(prefix: str) -> str:
    """The image the UI service of an environment runs (its task definition's)."""
    ecs = boto3.client("ecs")
    service = ecs.describe_services(cluster=f"{prefix}cluster", services=[f"{prefix}service"])
    task = ecs.describe_task_definition(taskDefinition=service["services"][0]["taskDefinition"])
    return str(task["taskDefinition"]["containerDefinitions"][0]["image"])


def check_promoted(rehearsal: Rehearsal, bucket: str, release: releases.Release) -> None:
    """``release`` went to staging first and production after: both serve exactly its
    digests and bundle (moto's state); staging verified it before production was touched;
    staging is the cheap environment (one NAT gateway, office hours)."""
    assert (
        served(STAGING)
        == served(PREFIX)
        == (release.id, release.images["api"].reference, release.bundle.uri)
    )
    assert ui_image(STAGING) == ui_image(PREFIX) == release.images["ui"].reference
    events = releases.ReleaseLog(bucket, boto3.client("s3")).events([release.id])
    assert [(e.environment, e.kind) for e in events] == [
        ("staging", "deployed"), ("staging", "smoke-passed"), ("staging", "live"),
        ("production", "deployed"), ("production", "smoke-passed"), ("production", "live"),
    ]  # fmt: skip
    functions = {c["function"] for c in rehearsal.gateway.calls}
    assert functions == {f"{PREFIX}prediction-api", f"{STAGING}prediction-api"}
    nat = boto3.client("ec2").describe_nat_gateways()["NatGateways"]
    tagged = [n for n in nat if {"Key": "NamePrefix", "Value": STAGING} in n.get("Tags", [])]
    assert len(tagged) == 1  # single_nat_gateway
    actions = boto3.client("application-autoscaling").describe_scheduled_actions(
        ServiceNamespace="ecs", ResourceId=f"service/{STAGING}cluster/{STAGING}service"
    )["ScheduledActions"]
    bounds = {
        a["ScheduledActionName"].rsplit("-", 1)[1]: (
            a["Schedule"],
            a["ScalableTargetAction"]["MinCapacity"],
            a["Timezone"],
        )
        for a in actions
    }
    assert bounds == {
        "start": ("cron(0 7 ? * MON-FRI *)", 1, "Europe/Berlin"),
        "stop": ("cron(0 19 ? * MON-FRI *)", 0, "Europe/Berlin"),
    }


def check_a_release_crashing_in_staging_never_reaches_production(
    rehearsal: Rehearsal, bucket: str, live: releases.Release
) -> releases.Release:
    """A docs-only commit whose release crashes in staging (a planted fault): staging's
    watch brings ``live`` back there, and production's jobs never apply: it still serves
    ``live``, untouched (moto's state), and the API stand-in saw no call to it."""
    readme = (REPO_ROOT / "README.md").read_text()
    head = rehearsal.push_to_branch("main", "README.md", readme + "\n\n", "Docs")
    rehearsal.gateway.crashing.add((head, f"{STAGING}prediction-api"))
    calls = len(rehearsal.gateway.calls)
    log = rehearsal.deploy(failing_step=WATCH_STEP)
    history = releases.ReleaseLog(bucket, boto3.client("s3"))
    crashed = history.read(history.ids()[-1])
    assert crashed.git_sha == head
    assert f"release {crashed.id} failed its smoke test in staging" in log
    assert not [line for line in log.splitlines() if line.startswith("[apply/")]  # never ran
    assert (
        served(PREFIX)
        == served(STAGING)
        == (live.id, live.images["api"].reference, live.bundle.uri)
    )
    production = [
        c for c in rehearsal.gateway.calls[calls:] if c["function"].startswith(f"{PREFIX}p")
    ]
    assert production == []
    return crashed


def check_fence(rehearsal: Rehearsal) -> None:
    """The two deploy roles of one account (PMapper over the applied documents): each
    changes its own environment's state and resources only; staging's records no
    production verdict; still no administrator and no escalation path."""
    staging_state = (
        f"arn:aws:s3:::{STATE_BUCKET}/teleco-customer-churn-stg/platform/terraform.tfstate"
    )
    pipeline_state = f"arn:aws:s3:::{STATE_BUCKET}/teleco-customer-churn/pipeline/terraform.tfstate"
    nat = regional("ec2", "natgateway/nat-0123456789abcdef0")
    plans = f"arn:aws:s3:::{STATE_BUCKET}/plans/42"
    functions = {p: regional("lambda", f"function:{p}prediction-api") for p in (PREFIX, STAGING)}
    staging_lambda_role = f"{IAM_ARN}:role/{STAGING}lambda-execution-role"
    staging_fence = f"{IAM_ARN}:policy/{STAGING}terraform-deploy-fence"
    api = "arn:aws:apigateway:eu-central-1::/apis/a1b2c3"
    production_tag = {"aws:ResourceTag/NamePrefix": PREFIX, **IN_REGION}
    staging_tag = {"aws:ResourceTag/NamePrefix": STAGING, **IN_REGION}
    event = f"{MODELS}/releases/20261206T180000Z-1a0f6bb/events/x-%s-smoke-passed.json"
    refused = [
        ask(DEPLOY, "s3:PutObject", staging_state),
        ask(STAGE_DEPLOY, "s3:PutObject", STATE_OBJECT),
        ask(STAGE_DEPLOY, "s3:GetObject", pipeline_state),  # it would hold a static key
        ask(STAGE_DEPLOY, "s3:GetObject", f"{plans}/production/pipeline.tfplan"),  # and so this
        ask(DEPLOY, "lambda:UpdateFunctionCode", functions[STAGING]),
        ask(STAGE_DEPLOY, "lambda:UpdateFunctionCode", functions[PREFIX]),
        ask(STAGE_DEPLOY, "ec2:DeleteNatGateway", nat, **production_tag),
        ask(DEPLOY, "ec2:DeleteNatGateway", nat, **staging_tag),
        ask(STAGE_DEPLOY, "apigateway:DELETE", api, **production_tag),
        ask(STAGE_DEPLOY, "s3:PutObject", event % "production"),
        ask(STAGE_DEPLOY, "iam:PutRolePolicy", LAMBDA_ROLE, **WITH_BOUNDARY),
        ask(DEPLOY, "iam:PutRolePolicy", staging_lambda_role, **WITH_BOUNDARY),
        ask(STAGE_DEPLOY, "ecr:PutImage", regional("ecr", f"repository/{PREFIX}api")),
        ask(STAGE_DEPLOY, "iam:CreatePolicyVersion", staging_fence),
    ]  # fmt: skip
    allowed = [
        ask(STAGE_DEPLOY, "s3:PutObject", staging_state),
        ask(STAGE_DEPLOY, "s3:GetObject", f"{plans}/staging/platform.tfplan"),
        ask(STAGE_DEPLOY, "s3:PutObject", event % "staging"),
        ask(STAGE_DEPLOY, "ec2:DeleteNatGateway", nat, **staging_tag),
        ask(DEPLOY, "ec2:DeleteNatGateway", nat, **production_tag),
        ask(STAGE_DEPLOY, "apigateway:DELETE", api, **staging_tag),
        ask(STAGE_DEPLOY, "lambda:CreateFunction", functions[STAGING]),
        ask(STAGE_DEPLOY, "ecr:BatchGetImage", regional("ecr", f"repository/{PREFIX}api")),
        ask(STAGE_DEPLOY, "iam:CreateRole", staging_lambda_role, **WITH_BOUNDARY),
        ask(STAGE_DEPLOY, "application-autoscaling:PutScheduledAction", "*", **IN_REGION),
        ask(DEPLOY, "application-autoscaling:RegisterScalableTarget", "*", **IN_REGION),
        # AWS makes this role on the first RegisterScalableTarget, as the caller (moto
        # does not, so the provider's calls never show it).
        *[
            ask(r, "iam:CreateServiceLinkedRole", SCALING_ROLE, **{"iam:AWSServiceName": SCALING})
            for r in (DEPLOY, STAGE_DEPLOY)
        ],
    ]  # fmt: skip
    # Both roles' policies, production's fence naming staging's resources among them.
    managed = check_policy_sizes(rehearsal)
    assert check_trusted_roles_exist() >= 4  # each smoke-test role trusts two
    assert {
        f"{p}terraform-deploy{k}" for p in (PREFIX, STAGING) for k in ("", "-iam", "-fence")
    } <= (set(managed))
    calls = actions_by_role(rehearsal.records / "provider-calls")
    assert f"{STAGING}terraform-deploy" in calls
    made = [ask(f"role/{r}", a, None) for r, done in calls.items() for a in sorted(done)]
    analysis = rehearsal.iam_analysis(refused + allowed + made)
    assert analysis["admins"] == [] and analysis["escalations"] == []
    answers = analysis["answers"]

    def said(answer: dict[str, Any]) -> str:
        return f"{answer['principal']} {answer['action']} {answer['resource'] or ''}"

    assert [said(a) for a in answers[: len(refused)] if a["allowed"]] == []
    assert [said(a) for a in answers[len(refused) :] if not a["allowed"]] == []
    rehearsal.say(
        f"rehearsal: the fence between environments: {len(refused)} crossings refused, "
        f"{len(allowed)} own duties and {len(made)} calls the provider made allowed; "
        f"{len(analysis['principals'])} principals, 0 administrators, 0 escalation paths"
    )


def served(prefix: str = PREFIX) -> tuple[str, str, str]:
    """What an environment serves (production by default), read from AWS (moto): the
    release the Lambda names, its image, and the bundle the SageMaker model and the Lambda
    read."""
    functions = boto3.client("lambda")
    name = f"{prefix}prediction-api"
    variables = functions.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    image = functions.get_function(FunctionName=name)["Code"]["ImageUri"]
    sagemaker = boto3.client("sagemaker")
    endpoint = sagemaker.describe_endpoint(EndpointName=f"{prefix}xgboost-endpoint")
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    model = sagemaker.describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    data = model["PrimaryContainer"]["ModelDataUrl"]
    assert data == variables["CHURN_BUNDLE"] + "model.tar.gz"  # the endpoint and the API agree
    return variables["CHURN_RELEASE"], image, variables["CHURN_BUNDLE"]


def check_second_release(
    rehearsal: Rehearsal, admin: Path, data_uri: str, bucket: str, first: releases.Release
) -> releases.Release:
    """A new model on main, deployed: a second release, live, that changed the model."""
    version = rehearsal.admin_retrain(admin, data_uri, bucket)
    said = rehearsal.deploy()
    log = releases.ReleaseLog(bucket, boto3.client("s3"))
    assert log.ids()[0] == first.id
    second = log.read(log.ids()[1])
    assert second.bundle.version == version != first.bundle.version
    # A new model only: the Terraform checks passed on the same inputs in the first release,
    # so they did not run again, and the record says where they passed.
    assert "[checks/" not in said and f"passed in release {first.id}" in said
    assert second.verified == [f"Terraform checks: passed on the same inputs in release {first.id}"]
    assert second.checked_inputs == first.checked_inputs
    assert served() == (second.id, second.images["api"].reference, second.bundle.uri)
    return second


# The apply job's last step: the smoke test, and the way back when it fails.
WATCH_STEP = "smoke-test the release; on failure bring back the one live before it"


def check_a_crashing_release_rolls_back_by_itself(
    rehearsal: Rehearsal, bucket: str, live: releases.Release
) -> releases.Release:
    """A docs-only commit on main whose release crashes in production (a planted fault: the
    API stand-in answers it as API Gateway answers a failing function, 502): the apply
    job's watch applies the release live before it again, smoke-tests that, and fails the
    deploy naming both. The release."""
    readme = (REPO_ROOT / "README.md").read_text()
    head = rehearsal.push_to_branch("main", "README.md", readme + "\n", "Docs")
    rehearsal.gateway.crashing.add((head, f"{PREFIX}prediction-api"))
    calls = len(rehearsal.gateway.calls)
    log = rehearsal.deploy(failing_step=WATCH_STEP)
    history = releases.ReleaseLog(bucket, boto3.client("s3"))
    crashed = history.read(history.ids()[-1])
    assert crashed.git_sha == head and crashed.bundle == live.bundle
    said = f"release {crashed.id} failed its smoke test in production"
    assert f"{said} (" in log and f"rolled back to {live.id}, which passed its smoke test" in log
    # Production serves the release before it: moto's state, and the API stand-in's answers
    # (the crashed release's three 502s, then the smoke test of the one brought back).
    assert served() == (live.id, live.images["api"].reference, live.bundle.uri)
    production = f"{PREFIX}prediction-api"
    statuses = [c["status"] for c in rehearsal.gateway.calls[calls:] if c["function"] == production]
    assert statuses[:3] == [502] * 3 and set(statuses[3:]) == {200}, statuses
    assert "the API's function failed 3 times in a row: the prediction API failed (502)" in log
    return crashed


def recorded_deployments(rehearsal: Rehearsal) -> list[tuple[str, str, list[str]]]:
    """The GitHub deployments the workflows recorded: commit, environment, statuses."""
    return [
        (d["sha"], d["environment"], [status["state"] for status in d["statuses"]])
        for d in rehearsal.github.state.deployments.values()
    ]


def check_rollback(
    rehearsal: Rehearsal, log: str, target: releases.Release, prefix: str = PREFIX
) -> None:
    """rollback.yml brought ``target`` back to the environment of ``prefix``: no build, no
    training, and a plan of the pointers only."""
    assert "reusable train" not in log and "reusable build and push" not in log
    assert served(prefix) == (target.id, target.images["api"].reference, target.bundle.uri)
    moved = planned_changes(log, "platform")
    assert "module.lambda.aws_lambda_function.this" in moved  # the plan was read
    assert moved <= POINTER_CHANGES, moved - POINTER_CHANGES  # and moved only the pointers


# A rollback's plan may touch these resources only (churn.ops.pointers.POINTER_RESOURCES).
POINTER_CHANGES = {
    "terraform_data.release",
    "module.sagemaker_endpoint.aws_sagemaker_model.this",
    "module.sagemaker_endpoint.aws_sagemaker_endpoint_configuration.this",
    "module.sagemaker_endpoint.aws_sagemaker_endpoint.this",
    "module.lambda.aws_lambda_function.this",
    "module.ui_task.aws_ecs_task_definition.this",
    "module.ui_service.aws_ecs_service.this",
    "module.iam.aws_iam_role_policy.lambda_execution",
    "module.iam.aws_iam_role_policy.sagemaker_execution",
}
PLANNED = re.compile(r"# (?P<address>\S+) (?:will be|must be)")


def planned_changes(log: str, root: str) -> set[str]:
    """Addresses the plan job of ``root`` printed as changing (act prefixes each line)."""
    return {
        match["address"]
        for line in log.splitlines()
        if line.startswith(f"[plan-{root}/") and (match := PLANNED.search(line))
    }


TIER_COLLECTED = re.compile(
    r"\[pull request/make test-(?P<tier>\w+)[^]]*\].*\| (?P<selected>\d+)/(?P<total>\d+) tests "
    r"collected \((?P<deselected>\d+) deselected\)"
)
TIER_SPLIT = re.compile(r"\[pull request/make test-check[^]]*\].*\| tiers: (?P<counts>.+)$", re.M)


@pytest.mark.timeout(900)  # about 1 minute here
def test_the_pull_requests_tier_jobs_together_select_every_test_once(
    rehearsal: Rehearsal,
) -> None:
    """The check tier's job of pull-request.yml set up as a runner would, linted, and
    selected its tier's tests (tests/support/tiers.py); the suite it collected splits into
    the five tiers, each test in one of them, and pull-request.yml runs a job per tier
    (tests/workflows): together they are the whole suite, each test once."""
    branch = "docs"
    rehearsal.push_to_branch(branch, "README.md", "# telco-churn\n", "Docs", base="main")
    log = rehearsal.test_tiers({"number": 7, "head": {"ref": branch}})
    (collected,) = TIER_COLLECTED.finditer(log)
    (split,) = TIER_SPLIT.finditer(log)
    counts = {
        tier: int(count)
        for tier, count in (entry.rsplit(" ", 1) for entry in split["counts"].strip().split(", "))
    }
    assert list(counts) == list(TIERS) and all(n > 0 for n in counts.values()), counts
    total = int(collected["total"])
    assert sum(counts.values()) == total
    assert collected["tier"] == "check" and int(collected["selected"]) == counts["check"]
    assert int(collected["deselected"]) == total - counts["check"]
    assert "lint" in log and "Success - Main the tier's tests" in log
