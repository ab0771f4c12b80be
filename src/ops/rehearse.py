"""``churn-rehearse``: a dress rehearsal of the deploy against a local moto server.

In deploy order: the state bucket (bootstrap), the pipeline stack on the S3 backend, a real
bundle published to the model bucket, the platform stack serving it; then a second plan of
every stack must find nothing to change, and everything is destroyed again. It prints one
line per step, with the resources and seconds each stack took.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from churn import artifacts, storage
from churn.api.bundle import BundleError, resolve
from churn.ops.moto import start_moto_server
from churn.ops.terraform import Terraform, TerraformError, prepare_roots

ORDER: Final = ("bootstrap", "pipeline", "platform")
EXIT_USAGE: Final = 2
EXIT_FAILED: Final = 1


class RehearsalError(Exception):
    """A step of the rehearsal failed; the message says which and why."""


@dataclass
class StackFigures:
    resources: int = 0
    apply_seconds: float = 0.0
    destroy_seconds: float = 0.0


@dataclass
class Rehearsal:
    """The deploy's steps against one moto server; each step can be run on its own (the
    tests check things between them), ``run_all`` runs them in order. Like the deploy,
    it reaches S3 through ``storage``'s client: the environment points it at moto."""

    roots: dict[str, Terraform]
    bundle: Path
    image_tag: str
    say: Callable[[str], None] = print
    figures: dict[str, StackFigures] = field(default_factory=dict)
    outputs: dict[str, dict[str, object]] = field(default_factory=dict)

    def variables(self, root: str) -> dict[str, str]:
        values = {"rehearsal": "true"}
        if root in ("pipeline", "platform"):
            values["image_tag"] = self.image_tag
        if root == "platform":
            values["model_version"] = self.bundle.name
        return values

    def apply(self, root: str) -> dict[str, object]:
        terraform = self.roots[root]
        started = time.monotonic()
        terraform.init()
        terraform.apply(self.variables(root))
        figures = self.figures.setdefault(root, StackFigures())
        figures.apply_seconds = time.monotonic() - started
        figures.resources = len(terraform.managed_resources())
        self.outputs[root] = terraform.outputs()
        self.say(f"{root}: applied {figures.resources} resources in {figures.apply_seconds:.1f} s")
        return self.outputs[root]

    def publish_bundle(self) -> str:
        """What the deploy does between the stacks: the bundle main names, in the bucket."""
        bucket = str(self.outputs["pipeline"]["bucket_name"])
        prefix = f"s3://{bucket}/models/{self.bundle.name}"
        storage.publish_directory(self.bundle, prefix, last=artifacts.MANIFEST)
        self.say(f"bundle: published {self.bundle.name} to {prefix}/")
        return prefix

    def unconverged(self) -> list[str]:
        """Roots whose second plan still finds changes (should be none)."""
        changed = []
        for root in self.outputs:
            empty, plan = self.roots[root].plan_is_empty(self.variables(root))
            self.say(f"{root}: second plan {'empty' if empty else 'NOT EMPTY:'}")
            if not empty:
                self.say(plan[-4000:])  # what would change, for whoever has to fix it
                changed.append(root)
        return changed

    def destroy(self, root: str) -> None:
        bucket_output = {"pipeline": "bucket_name", "bootstrap": "state_bucket"}.get(root)
        if bucket_output is not None:
            self.empty_bucket(str(self.outputs[root][bucket_output]))
        started = time.monotonic()
        self.roots[root].destroy(self.variables(root))
        figures = self.figures.setdefault(root, StackFigures())
        figures.destroy_seconds = time.monotonic() - started
        self.outputs.pop(root)
        self.say(f"{root}: destroyed in {figures.destroy_seconds:.1f} s")

    def empty_bucket(self, bucket: str) -> None:
        """Delete every object version and delete marker one by one: force_destroy empties
        a bucket with DeleteObjects, which moto 5.2 fails on delete markers (S3-native
        locking leaves one per run in the state bucket), and the provider then retries for
        minutes."""
        s3 = storage.s3_client()
        listed = s3.list_object_versions(Bucket=bucket)
        entries = [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]
        for entry in entries:
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])

    def destroy_all(self) -> None:
        for root in reversed(ORDER):
            if root in self.outputs:
                self.destroy(root)

    def run_all(self) -> None:
        """Every step in order. On a failure the stacks are left as they are: the moto
        server, and everything in it, goes away with the rehearsal."""
        for root in ORDER:
            self.apply(root)
            if root == "pipeline":
                self.publish_bundle()
        changed = self.unconverged()
        if changed:
            raise RehearsalError(f"second plan not empty for: {', '.join(changed)}")
        self.destroy_all()


def git_commit(repo: Path) -> str:
    """The image tag a deploy of this checkout would use: its commit SHA."""
    finished = subprocess.run(
        ["git", "rev-parse", "HEAD"],  # noqa: S607 (git on PATH)
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return finished.stdout.strip() if finished.returncode == 0 else "rehearsal"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="churn-rehearse",
        description="Apply bootstrap, pipeline and platform against a local moto server, "
        "check that a second plan is empty, and destroy everything again.",
    )
    parser.add_argument(
        "--bundle",
        default="artifacts",
        help="bundle to publish: a bundle directory or a folder of bundles (newest is used)",
    )
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the repository's root")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(".cache") / "rehearsal",
        help="scratch folder for the terraform copy, its local state and the moto log",
    )
    return parser.parse_args(argv)


def prepare(arguments: argparse.Namespace) -> tuple[Path, Path]:
    repo = arguments.repo.resolve()
    if not (repo / "terraform" / "bootstrap").is_dir():
        raise RehearsalError(f"{repo}: no terraform/bootstrap here; run from the repository root")
    if shutil.which("terraform") is None:
        raise RehearsalError("terraform is not on PATH; install it (see README, Terraform)")
    try:
        bundle = Path(resolve(arguments.bundle))
    except BundleError as error:
        raise RehearsalError(str(error)) from None
    return repo, bundle


def main(argv: Sequence[str] | None = None) -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # one line per step, as it happens
    arguments = parse_arguments(argv)
    try:
        repo, bundle = prepare(arguments)
    except RehearsalError as error:
        print(f"churn-rehearse: {error}", file=sys.stderr)
        return EXIT_USAGE
    workdir = arguments.workdir.resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    started = time.monotonic()
    with start_moto_server(workdir / "moto.log") as server:
        # storage.publish_directory builds its own boto3 client: point it at moto too.
        os.environ.update(server.client_env())
        print(f"moto server at {server.endpoint} (log: {workdir / 'moto.log'})")
        rehearsal = Rehearsal(prepare_roots(repo, workdir, server), bundle, git_commit(repo))
        try:
            rehearsal.run_all()
        except (RehearsalError, TerraformError) as error:
            print(f"churn-rehearse: {error}", file=sys.stderr)
            return EXIT_FAILED
    total = sum(f.resources for f in rehearsal.figures.values())
    print(
        f"rehearsal passed: {total} resources applied, converged and destroyed "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
