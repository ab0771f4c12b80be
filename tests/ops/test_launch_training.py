"""The ECS training launcher against the moto server: it finds the network by name, starts
the task with the training arguments, streams its log lines, and fails when the task fails.
moto never runs a container: tasks advance through moto's state manager, and the log lines
are written by the test where the container would write them."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from churn.errors import ExitCode
from churn.ops.launch_training import Launcher, main, outcome
from tests.support.servers import MotoServer

PREFIX = "teleco-customer-churn-"
LOG_GROUP = f"/ecs/{PREFIX}training"


def set_task_progression(server: MotoServer, progression: str) -> None:
    body = json.dumps({"model_name": "ecs::task", "transition": {"progression": progression}})
    request = urllib.request.Request(
        f"{server.endpoint}/moto-api/state-manager/set-transition",
        data=body.encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


@pytest.fixture
def training_stack(moto_server: MotoServer, aws_env: dict[str, str]) -> Iterator[None]:
    """What the pipeline and platform stacks make for the launcher, made directly."""
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": f"{PREFIX}vpc"}])
    # As the vpc module sets it (moto's awsvpc tasks also need it to name their ENI).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    for index, tier in enumerate(("private", "private", "public")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{index}.0/24")["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[subnet], Tags=[{"Key": "Tier", "Value": tier}])
    ec2.create_security_group(GroupName=f"{PREFIX}training", Description="training", VpcId=vpc)
    ecs = boto3.client("ecs")
    ecs.create_cluster(clusterName=f"{PREFIX}training-cluster")
    ecs.register_task_definition(
        family=f"{PREFIX}training",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="2048",
        memory="4096",
        containerDefinitions=[
            {
                "name": "training",
                "image": "123456789012.dkr.ecr.eu-central-1.amazonaws.com/x:abc",
                # moto's RunTask sums container-level memory and fails without it (Fargate
                # itself needs only the task-level size the training-task module sets).
                "memory": 4096,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": LOG_GROUP, "awslogs-stream-prefix": "training"},
                },
            }
        ],
    )
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    set_task_progression(moto_server, "immediate")
    yield
    set_task_progression(moto_server, "manual")
    ecs.delete_cluster(cluster=f"{PREFIX}training-cluster")
    logs.delete_log_group(logGroupName=LOG_GROUP)


class Container:
    """Stands in for the training container: on start, it writes its log lines."""

    def __init__(self, lines: list[str], stop_reason: str | None = None) -> None:
        self.lines = lines
        self.stop_reason = stop_reason
        self.said: list[str] = []

    def __call__(self, message: str) -> None:
        self.said.append(message)
        if not message.startswith("started "):
            return
        task_arn = message.removeprefix("started ")
        stream = f"training/training/{task_arn.rsplit('/', 1)[-1]}"
        logs = boto3.client("logs")
        now = int(time.time() * 1000)  # CloudWatch (and moto) drop events older than 14 days
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
        logs.put_log_events(
            logGroupName=LOG_GROUP,
            logStreamName=stream,
            logEvents=[
                {"timestamp": now + i, "message": line} for i, line in enumerate(self.lines)
            ],
        )
        if self.stop_reason:
            boto3.client("ecs").stop_task(
                cluster=f"{PREFIX}training-cluster", task=task_arn, reason=self.stop_reason
            )


def launcher(say: Container) -> Launcher:
    return Launcher(
        boto3.client("ecs"),
        boto3.client("ec2"),
        boto3.client("logs"),
        PREFIX,
        say,
        poll_seconds=0.1,
    )


def test_a_training_task_runs_streams_its_logs_and_succeeds(training_stack: None) -> None:
    container = Container(
        ["churn-train: loading s3://b/data/x.csv", "s3://b/models/20261124T000000Z-abcdef"]
    )
    run = launcher(container)
    task_arn = run.start(["--data", "s3://b/data/x.csv", "--output", "s3://b/models"])

    result, lines = run.wait(task_arn, timeout_seconds=30)

    assert result.succeeded, result.message
    assert lines == container.lines
    assert container.said[1:] == container.lines  # streamed as they came
    task = boto3.client("ecs").describe_tasks(
        cluster=f"{PREFIX}training-cluster", tasks=[task_arn]
    )["tasks"][0]
    assert task["overrides"]["containerOverrides"][0]["command"] == [
        "--data",
        "s3://b/data/x.csv",
        "--output",
        "s3://b/models",
    ]


def test_a_task_stopped_before_it_finishes_fails_the_run(training_stack: None) -> None:
    container = Container(
        ["churn-train: loading s3://b/data/x.csv"], stop_reason="Task failed ELB health checks"
    )
    run = launcher(container)
    result, lines = run.wait(
        run.start(["--data", "s3://b/data/x.csv", "--output", "s3://b/models"]), timeout_seconds=30
    )
    assert not result.succeeded
    assert result.message == "the task was stopped: Task failed ELB health checks"
    assert lines == container.lines


def test_the_cli_fails_with_one_line_when_the_network_is_missing(
    aws_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--data", "s3://b/data/x.csv", "--output", "s3://b/models", "--name-prefix", "nobody-"]
    )
    assert code == ExitCode.DEPENDENCY  # the platform's VPC is missing
    assert capsys.readouterr().err.strip() == (
        "churn-launch-training: error: no VPC named nobody-vpc: apply the platform stack first"
    )


@pytest.mark.parametrize(
    ("task", "succeeded", "message"),
    [
        (
            {
                "stoppedReason": "Essential container in task exited",
                "containers": [{"name": "training", "exitCode": 0}],
            },
            True,
            "training exited with code 0",
        ),
        (
            {
                "stoppedReason": "Essential container in task exited",
                "containers": [{"name": "training", "exitCode": 3}],
            },
            False,
            "training exited with code 3",
        ),
        (
            {
                "stoppedReason": "CannotPullContainerError: pull access denied",
                "containers": [{"name": "training"}],
            },
            False,
            "the task was stopped: CannotPullContainerError: pull access denied",
        ),
        (
            {"containers": [{"name": "training", "reason": "OutOfMemoryError: Container killed"}]},
            False,
            "the training container did not finish (OutOfMemoryError: Container killed)",
        ),
    ],
)
def test_outcome_reads_the_stopped_task_as_ecs_describes_it(
    task: dict[str, Any], succeeded: bool, message: str
) -> None:
    result = outcome(task)
    assert (result.succeeded, result.message) == (succeeded, message)
