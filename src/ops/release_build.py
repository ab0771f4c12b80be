"""Building a release record (``churn-release create``): main's images by digest from ECR
(their tag is the commit SHA; ECR tags are immutable, so the digest behind it cannot move),
the bundle ``model.auto.tfvars`` names with its manifest's SHA-256, and the fingerprint of
what the Terraform checks read (``churn.ops.checked_inputs``), written once; each image tagged
``release-<id>`` so the repositories' lifecycle keeps the last releases'."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import boto3

from churn import artifacts, cli, storage
from churn.ops import bump_model, checked_inputs
from churn.ops.releases import (
    IMAGES,
    Bundle,
    Image,
    Release,
    ReleaseError,
    ReleaseLog,
    new_id,
    now_text,
    sha256_hex,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

PROG: Final = "churn-release"
# The tag each image of a release gets; terraform/modules/ecr's lifecycle keys on it.
RELEASE_TAG_PREFIX: Final = "release-"


def images_of(ecr: ECRClient, prefix: str, git_sha: str) -> dict[str, Image]:
    """Each image of the commit, by digest; refused when one was not pushed."""
    found = {}
    for name in IMAGES:
        repository = f"{prefix}{name}"
        try:
            uri = ecr.describe_repositories(repositoryNames=[repository])["repositories"][0]
            details = ecr.describe_images(
                repositoryName=repository, imageIds=[{"imageTag": git_sha}]
            )["imageDetails"]
        except ecr.exceptions.ImageNotFoundException:
            raise ReleaseError(
                f"{repository}:{git_sha} is not in ECR: push the images first"
            ) from None
        found[name] = Image(uri["repositoryUri"], details[0]["imageDigest"])
    return found


def tag_for_release(ecr: ECRClient, prefix: str, release: Release) -> None:
    """Tag every image of the release ``release-<id>`` (the manifest again, a new tag)."""
    for name, image in release.images.items():
        repository = f"{prefix}{name}"
        manifest = ecr.batch_get_image(
            repositoryName=repository, imageIds=[{"imageDigest": image.digest}]
        )["images"][0]["imageManifest"]
        try:
            ecr.put_image(
                repositoryName=repository,
                imageManifest=manifest,
                imageTag=f"{RELEASE_TAG_PREFIX}{release.id}",
            )
        except (
            ecr.exceptions.ImageAlreadyExistsException,
            ecr.exceptions.ImageTagAlreadyExistsException,
        ):
            continue  # a re-run tagged it already


def bundle_of(bucket: str, version: str) -> Bundle:
    uri = f"s3://{bucket}/models/{version}/"
    try:
        manifest = storage.read_bytes(storage.child(uri, artifacts.MANIFEST))
    except storage.StorageError as error:
        raise ReleaseError(f"the bundle main names is not complete: {error}") from None
    return Bundle(uri, version, sha256_hex(manifest))


def checks_verdict(log: ReleaseLog, inputs: str) -> str:
    """What the release says of checks that did not run in its deploy: the release they
    passed in on the same inputs, or a refusal."""
    earlier = checked_inputs.passed_before(log, inputs)
    if earlier is None:
        raise ReleaseError(
            f"none of the last {checked_inputs.LOOK_BACK} releases passed the Terraform checks "
            "of these inputs: they must run"
        )
    return f"Terraform checks: passed on the same inputs in release {earlier.id}"


def create(
    log: ReleaseLog,
    *,
    git_sha: str,
    repo: Path,
    prefix: str,
    region: str,
    verified: list[str],
    checks_passed_before: bool = False,
) -> Release:
    """The release of ``git_sha`` (``repo`` its checkout). ``checks_passed_before``: the
    checks did not run in this deploy, and an earlier release must show they passed on the
    same inputs."""
    say = cli.progress(PROG)
    inputs = checked_inputs.fingerprint(repo)
    if checks_passed_before:
        verified = [*verified, checks_verdict(log, inputs)]
    ecr = boto3.client("ecr", region_name=region)
    images = images_of(ecr, prefix, git_sha)
    bundle = bundle_of(log.bucket, bump_model.current_version(repo))
    release = log.find(git_sha, images, bundle)
    if release is not None:
        say(f"release {release.id} of this commit, images and bundle exists: reused")
    else:
        release = Release(
            id=new_id(git_sha, datetime.now(UTC)),
            git_sha=git_sha,
            created_at=now_text(),
            images=images,
            bundle=bundle,
            verified=verified,
            checked_inputs=inputs,
        )
        if not log.write(release):
            raise ReleaseError(f"release {release.id} exists already; run again")
        say(f"release {release.id} recorded in s3://{log.bucket}/releases/{release.id}/")
    tag_for_release(ecr, prefix, release)
    return release
