"""The deploy's dress rehearsal against a moto server, step by step, with checks between
the steps: bootstrap (local state), pipeline on the S3 backend in the bootstrap's bucket,
a real bundle published, platform serving it; every second plan empty; all destroyed.

The same steps run as ``make rehearse`` (churn.ops.rehearse)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from churn.ops.rehearse import Rehearsal
from churn.ops.terraform import as_flags, prepare_roots
from tests.support.environments import REPO_ROOT
from tests.support.servers import MotoServer

STATE_BUCKET = "teleco-churn-terraform-state"
PREFIX = "teleco-customer-churn-"
IMAGE_TAG = "0123456789abcdef0123456789abcdef01234567"


def check_pipeline(rehearsal: Rehearsal) -> None:
    outputs = rehearsal.outputs["pipeline"]
    key = "teleco-customer-churn/pipeline/terraform.tfstate"
    state = boto3.client("s3").get_object(Bucket=STATE_BUCKET, Key=key)
    assert json.loads(state["Body"].read())["resources"]
    assert str(outputs["bucket_name"]).startswith(f"{PREFIX}models-")
    urls = outputs["repository_urls"]
    assert isinstance(urls, dict) and sorted(urls) == ["api", "training", "ui"]
    repositories = boto3.client("ecr").describe_repositories()["repositories"]
    assert {r["imageTagMutability"] for r in repositories} == {"IMMUTABLE"}

    ecs = boto3.client("ecs")
    family = str(outputs["training_task_family"])
    task = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
    container = task["containerDefinitions"][0]
    assert container["image"] == f"{urls['training']}:{IMAGE_TAG}"
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/" + family

    iam = boto3.client("iam")
    role_name = f"{PREFIX}ml-engineer"
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    subjects = trust["Statement"][0]["Condition"]["StringEquals"][
        "token.actions.githubusercontent.com:sub"
    ]
    assert sorted(subjects) == [
        "repo:teleco-customer-churn/telco-churn:environment:production",
        "repo:teleco-customer-churn/telco-churn:ref:refs/heads/main",
    ]
    policy_arn = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"][0][
        "PolicyArn"
    ]
    version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)
    statements = {s["Sid"]: s for s in document["PolicyVersion"]["Document"]["Statement"]}
    assert statements["RunTheTrainingTask"]["Resource"].endswith(f"task-definition/{family}:*")
    assert statements["ReadTheTrainingTaskDefinition"]["Action"] == "ecs:DescribeTaskDefinition"
    # execute-api ARNs leave the stage out of the resource path: api-id/v1/POST/predictions.
    assert statements["SmokeTestTheApi"]["Resource"].endswith(":*/v1/POST/predictions")

    # Lambda may pull the API image by the repository's own policy, not the deployer's rights.
    pull = json.loads(
        boto3.client("ecr").get_repository_policy(repositoryName=f"{PREFIX}api")["policyText"]
    )["Statement"][0]
    assert pull["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert sorted(pull["Action"]) == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert not iam.list_users()["Users"]  # the static-key user is off by default

    def subject(role: str) -> object:
        statement = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]["Statement"][0]
        return statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]

    repository = "repo:teleco-customer-churn/telco-churn"
    assert sorted(subject(f"{PREFIX}terraform-plan")) == [  # type: ignore[call-overload]
        f"{repository}:pull_request",
        f"{repository}:ref:refs/heads/main",
    ]
    assert subject(f"{PREFIX}terraform-deploy") == f"{repository}:environment:production"
    attached = iam.list_attached_role_policies(RoleName=f"{PREFIX}terraform-plan")
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == ["ReadOnlyAccess"]

    with_static_user = rehearsal.variables("pipeline") | {"enable_static_ci_user": "true"}
    static = rehearsal.roots["pipeline"].run(
        "plan", "-input=false", "-no-color", *as_flags(with_static_user)
    )
    assert "Plan: 3 to add, 0 to change, 0 to destroy" in static.stdout
    assert "aws_iam_access_key.static[0]" in static.stdout


def check_platform(rehearsal: Rehearsal, bundle_dir: Path) -> None:
    outputs = rehearsal.outputs["platform"]
    bucket = str(rehearsal.outputs["pipeline"]["bucket_name"])

    sagemaker = boto3.client("sagemaker")
    endpoint = sagemaker.describe_endpoint(EndpointName=f"{PREFIX}xgboost-endpoint")
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    variant = config["ProductionVariants"][0]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    model = sagemaker.describe_model(ModelName=variant["ModelName"])
    container = model["PrimaryContainer"]
    assert container["ModelDataUrl"] == f"s3://{bucket}/models/{bundle_dir.name}/model.tar.gz"
    assert container["Image"].endswith("/sagemaker-xgboost:1.7-1")

    lambda_client = boto3.client("lambda")
    function = lambda_client.get_function_configuration(FunctionName=f"{PREFIX}prediction-api")
    # No reservation by default: a new account's quota cannot spare one.
    assert "ReservedConcurrentExecutions" not in lambda_client.get_function_concurrency(
        FunctionName=f"{PREFIX}prediction-api"
    )
    assert (function["MemorySize"], function["Timeout"], function["PackageType"]) == (
        1024,
        30,
        "Image",
    )
    assert function["Environment"]["Variables"] == {
        "CHURN_BUNDLE": f"s3://{bucket}/models/{bundle_dir.name}/",
        "CHURN_PREDICTOR": "sagemaker",
        "CHURN_SAGEMAKER_ENDPOINT": f"{PREFIX}xgboost-endpoint",
    }

    api = boto3.client("apigatewayv2")
    api_id = next(
        a["ApiId"] for a in api.get_apis()["Items"] if a["Name"] == f"{PREFIX}prediction-api"
    )
    routes = api.get_routes(ApiId=api_id)["Items"]
    assert [(r["RouteKey"], r["AuthorizationType"]) for r in routes] == [("$default", "AWS_IAM")]
    stage = api.get_stage(ApiId=api_id, StageName="v1")
    assert stage["AutoDeploy"] is True
    assert stage["AccessLogSettings"]["DestinationArn"].endswith(
        f"/aws/apigateway/{PREFIX}prediction-api/v1"
    )

    elb = boto3.client("elbv2")
    groups = elb.describe_target_groups(Names=[f"{PREFIX}alb-ui"])["TargetGroups"]
    assert (groups[0]["HealthCheckPath"], groups[0]["TargetType"]) == ("/_stcore/health", "ip")

    ecs = boto3.client("ecs")
    service = ecs.describe_services(cluster=f"{PREFIX}cluster", services=[f"{PREFIX}service"])
    assert service["services"][0]["desiredCount"] == 2
    # moto keeps no deployment configuration: what terraform applied is read from state.
    applied = rehearsal.roots["platform"].resource_values("module.ui_service.aws_ecs_service.this")
    assert applied["deployment_circuit_breaker"] == [{"enable": True, "rollback": True}]
    task = ecs.describe_task_definition(taskDefinition=f"{PREFIX}ui")["taskDefinition"]
    environment = {e["name"]: e["value"] for e in task["containerDefinitions"][0]["environment"]}
    assert environment["API_ENDPOINT"] == outputs["api_endpoint"]
    assert environment["API_AUTH"] == "iam"

    ec2 = boto3.client("ec2")
    nat_gateways = ec2.describe_nat_gateways()["NatGateways"]
    assert len({n["SubnetId"] for n in nat_gateways if n["State"] == "available"}) == 2

    roles = {r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]}
    for purpose in ("sagemaker-execution", "ecs-execution", "ecs-task", "lambda-execution"):
        assert f"{PREFIX}{purpose}-role" in roles


@pytest.mark.slow
def test_rehearsal_applies_converges_and_destroys_every_stack(
    moto_server: MotoServer, aws_env: dict[str, str], bundle_dir: Path, tmp_path: Path
) -> None:
    rehearsal = Rehearsal(prepare_roots(REPO_ROOT, tmp_path, moto_server), bundle_dir, IMAGE_TAG)

    assert rehearsal.apply("bootstrap")["state_bucket"] == STATE_BUCKET
    rehearsal.apply("pipeline")
    check_pipeline(rehearsal)
    # Before the bundle is published, the platform refuses at plan time, applying nothing.
    platform = rehearsal.roots["platform"]
    platform.init()
    refused = platform.run(
        "plan", "-input=false", "-no-color", *as_flags(rehearsal.variables("platform")), check=False
    )
    assert refused.returncode == 1
    assert f"Model version {bundle_dir.name} has no complete bundle" in refused.stderr
    assert "aws_vpc" not in platform.run("state", "list", check=False).stdout
    rehearsal.publish_bundle()
    rehearsal.apply("platform")
    check_platform(rehearsal, bundle_dir)

    assert rehearsal.unconverged() == []

    made = {STATE_BUCKET, str(rehearsal.outputs["pipeline"]["bucket_name"])}
    rehearsal.destroy_all()
    # The moto server is shared by the session: only this test's buckets must be gone.
    buckets = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}
    assert not made & buckets
    assert not boto3.client("sagemaker").list_endpoints()["Endpoints"]
    ecs = boto3.client("ecs")
    clusters = ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
    assert {c["status"] for c in clusters} <= {"INACTIVE"}  # deleted clusters linger inactive
