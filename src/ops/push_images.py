"""``churn-push-images``: build the three deployable images and push them to the pipeline's
ECR repositories, tagged with the commit SHA.

ECR tags are immutable, so an image whose tag is already in its repository is skipped, not
pushed again: re-running a deploy of the same commit succeeds. Needs Docker and AWS
credentials allowed to push (the ml-engineer role). The release made from these images
names them by digest and tags them for the repositories' lifecycle (``churn-release``).
"""

from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from churn import cli
from churn.errors import DependencyError
from churn.names import name_prefix

PROG: Final = "churn-push-images"

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

# image name -> its Dockerfile; the build context is the repository's root.
IMAGES: Final = {
    "training": Path("src/train/Dockerfile"),
    "api": Path("src/api/Dockerfile"),
    "ui": Path("src/ui/Dockerfile"),
}


class PushError(DependencyError):
    """A build, login or push failed; one line for the user."""


@dataclass
class Pusher:
    ecr: ECRClient
    registry: str
    prefix: str
    tag: str
    say: Callable[[str], None] = print

    def target(self, image: str) -> str:
        return f"{self.registry}/{self.prefix}{image}:{self.tag}"

    def pushed(self, image: str) -> bool:
        try:
            self.ecr.describe_images(
                repositoryName=f"{self.prefix}{image}", imageIds=[{"imageTag": self.tag}]
            )
        except self.ecr.exceptions.ImageNotFoundException:
            return False
        return True

    def log_in(self) -> None:
        token = self.ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        user, _, password = base64.b64decode(token).decode().partition(":")
        docker("login", "--username", user, "--password-stdin", self.registry, stdin=password)

    def push_all(self, context: Path) -> list[str]:
        """Build and push every image not yet in ECR; the targets pushed."""
        missing = [image for image in IMAGES if not self.pushed(image)]
        for image in IMAGES:
            if image not in missing:
                self.say(f"churn-push-images: {self.target(image)} already pushed, skipped")
        if missing:
            self.log_in()
        for image in missing:
            target = self.target(image)
            self.say(f"churn-push-images: building {target}")
            # The Lambda runtime takes only single-platform images in Docker's v2 format.
            docker(
                "build", "--platform", "linux/amd64", "--provenance=false",
                "--build-arg", f"GIT_COMMIT={self.tag}",
                "-f", str(context / IMAGES[image]), "-t", target, str(context),
            )  # fmt: skip
            docker("push", target)
            self.say(f"churn-push-images: pushed {target}")
        return [self.target(image) for image in missing]


def docker(*arguments: str, stdin: str | None = None) -> None:
    finished = subprocess.run(  # noqa: S603 (docker with arguments we build)
        ["docker", *arguments],  # noqa: S607 (the docker on PATH)
        input=stdin,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise PushError(f"docker {arguments[0]} failed with exit code {finished.returncode}")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the training, API and UI images and push those ECR lacks.",
    )
    parser.add_argument("--tag", required=True, help="the image tag: the commit SHA")
    parser.add_argument(
        "--name-prefix",
        default=name_prefix(),
        help="the stacks' name prefix (default: $NAME_PREFIX, else the project's)",
    )
    parser.add_argument(
        "--region", default=os.environ.get("AWS_REGION") or "eu-central-1", help="ECR's region"
    )
    parser.add_argument("--context", type=Path, default=Path.cwd(), help="the repository root")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # lines as they come
    return cli.run(PROG, lambda: _push(arguments))


def _push(arguments: argparse.Namespace) -> None:
    say = cli.progress(PROG)
    try:
        account = boto3.client("sts", region_name=arguments.region).get_caller_identity()
        ecr = boto3.client("ecr", region_name=arguments.region)
        registry = f"{account['Account']}.dkr.ecr.{arguments.region}.amazonaws.com"
        pushed = Pusher(ecr, registry, arguments.name_prefix, arguments.tag).push_all(
            arguments.context
        )
    except (ClientError, BotoCoreError) as error:
        raise PushError(f"AWS refused: {error}") from None
    say(f"{len(pushed)} pushed, {len(IMAGES) - len(pushed)} already there")


if __name__ == "__main__":
    sys.exit(main())
