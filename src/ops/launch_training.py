"""``churn-launch-training``: run the training job as the pipeline's ECS Fargate task.

It finds the platform's private subnets and the training security group by name, starts
the task with the training CLI's arguments as a command override, streams the task's log
lines as they arrive, and exits non-zero unless the training container exited 0. The
bundle location the training printed last is repeated as the final line of output.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from churn import cli
from churn.errors import DependencyError, RefusedError
from churn.names import name_prefix

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_logs import CloudWatchLogsClient

CONTAINER: Final = "training"
LOG_STREAM_PREFIX: Final = "training"
# What ECS says when the essential container ended by itself (its exit code then decides).
CONTAINER_EXITED: Final = "Essential container in task exited"
PROG: Final = "churn-launch-training"


class LaunchError(DependencyError):
    """The task could not be started or found; one line for the user."""


class TrainingFailedError(RefusedError):
    """The task ran and training failed (its own last line says why, in the logs above)."""


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    message: str


def outcome(task: dict[str, Any]) -> Outcome:
    """Success only when the training container exited 0 by itself."""
    containers = {c.get("name"): c for c in task.get("containers", [])}
    container = containers.get(CONTAINER, {})
    exit_code = container.get("exitCode")
    reason = task.get("stoppedReason") or ""
    if reason and not reason.startswith(CONTAINER_EXITED):
        return Outcome(False, f"the task was stopped: {reason}")
    if exit_code is None:
        detail = container.get("reason") or reason or "no exit code"
        return Outcome(False, f"the training container did not finish ({detail})")
    if exit_code != 0:
        return Outcome(False, f"training exited with code {exit_code}")
    return Outcome(True, "training exited with code 0")


@dataclass
class Launcher:
    ecs: ECSClient
    ec2: EC2Client
    logs: CloudWatchLogsClient
    name_prefix: str
    say: Callable[[str], None] = print
    poll_seconds: float = 6.0

    @property
    def cluster(self) -> str:
        return f"{self.name_prefix}training-cluster"

    @property
    def family(self) -> str:
        return f"{self.name_prefix}training"

    def network(self) -> dict[str, Any]:
        """The platform's private subnets and the training security group, by name."""
        vpcs = self.ec2.describe_vpcs(
            Filters=[{"Name": "tag:Name", "Values": [f"{self.name_prefix}vpc"]}]
        )["Vpcs"]
        if not vpcs:
            raise LaunchError(f"no VPC named {self.name_prefix}vpc: apply the platform stack first")
        vpc_id = vpcs[0]["VpcId"]
        subnets = self.ec2.describe_subnets(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "tag:Tier", "Values": ["private"]},
            ]
        )["Subnets"]
        groups = self.ec2.describe_security_groups(
            Filters=[
                {"Name": "vpc-id", "Values": [vpc_id]},
                {"Name": "group-name", "Values": [f"{self.name_prefix}training"]},
            ]
        )["SecurityGroups"]
        if not subnets or not groups:
            raise LaunchError(
                f"{vpc_id} has no private subnets or no {self.name_prefix}training group"
            )
        return {
            "awsvpcConfiguration": {
                "subnets": sorted(s["SubnetId"] for s in subnets),
                "securityGroups": [groups[0]["GroupId"]],
                "assignPublicIp": "DISABLED",
            }
        }

    def start(self, arguments: list[str]) -> str:
        started = self.ecs.run_task(
            cluster=self.cluster,
            taskDefinition=self.family,
            launchType="FARGATE",
            count=1,
            startedBy="churn-launch-training",
            networkConfiguration=self.network(),  # type: ignore[arg-type]
            overrides={"containerOverrides": [{"name": CONTAINER, "command": arguments}]},
        )
        if started.get("failures") or not started.get("tasks"):
            raise LaunchError(f"ECS did not start the task: {started.get('failures')}")
        task_arn = started["tasks"][0]["taskArn"]
        self.say(f"started {task_arn}")
        return task_arn

    def log_group(self) -> str:
        definition = self.ecs.describe_task_definition(taskDefinition=self.family)
        container = definition["taskDefinition"]["containerDefinitions"][0]
        return str(container["logConfiguration"]["options"]["awslogs-group"])

    def stream_logs(
        self, group: str, stream: str, token: str | None
    ) -> tuple[str | None, list[str]]:
        """New log lines since ``token``; a stream that does not exist yet has none."""
        request: dict[str, Any] = {
            "logGroupName": group,
            "logStreamName": stream,
            "startFromHead": True,
        }
        if token:
            request["nextToken"] = token
        try:
            page = self.logs.get_log_events(**request)
        except self.logs.exceptions.ResourceNotFoundException:
            return token, []
        return page.get("nextForwardToken"), [event["message"] for event in page["events"]]

    def wait(self, task_arn: str, timeout_seconds: float) -> tuple[Outcome, list[str]]:
        group = self.log_group()
        stream = f"{LOG_STREAM_PREFIX}/{CONTAINER}/{task_arn.rsplit('/', 1)[-1]}"
        token: str | None = None
        lines: list[str] = []
        deadline = time.monotonic() + timeout_seconds
        while True:
            task = self.ecs.describe_tasks(cluster=self.cluster, tasks=[task_arn])["tasks"][0]
            token, new = self.stream_logs(group, stream, token)
            for line in new:
                self.say(line)
            lines += new
            if task.get("lastStatus") == "STOPPED":
                token, new = self.stream_logs(group, stream, token)  # the last lines
                for line in new:
                    self.say(line)
                return outcome(dict(task)), lines + new
            if time.monotonic() > deadline:
                self.ecs.stop_task(
                    cluster=self.cluster, task=task_arn, reason="churn-launch-training timed out"
                )
                return Outcome(
                    False, f"no result after {timeout_seconds:.0f} s; the task was stopped"
                ), lines
            time.sleep(self.poll_seconds)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run churn-train as the ECS task, stream its logs, fail when it fails.",
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, help="data URI the task reads (s3:// or https://)")
    parser.add_argument("--output", required=True, help="where bundles go: s3://<bucket>/models")
    parser.add_argument(
        "--name-prefix",
        default=name_prefix(),
        help="the stacks' name prefix (default: $NAME_PREFIX, else the project's)",
    )
    parser.add_argument(
        "--timeout-minutes", type=float, default=60.0, help="stop the task after this long"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # logs as they come
    return cli.run(PROG, lambda: _launch(arguments))


def _launch(arguments: argparse.Namespace) -> str | None:
    launcher = Launcher(
        boto3.client("ecs"), boto3.client("ec2"), boto3.client("logs"), arguments.name_prefix
    )
    try:
        task_arn = launcher.start(["--data", arguments.data, "--output", arguments.output])
        result, lines = launcher.wait(task_arn, arguments.timeout_minutes * 60)
    except (BotoCoreError, ClientError) as error:
        raise LaunchError(f"AWS refused: {error}") from None
    if not result.succeeded:
        raise TrainingFailedError(f"FAILED: {result.message}")
    cli.progress(PROG)(result.message)
    return lines[-1] if lines else None  # the training CLI's last line: the bundle it published


if __name__ == "__main__":
    sys.exit(main())
