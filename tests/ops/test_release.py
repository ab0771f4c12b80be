"""churn-release against moto's ECR and S3 over real HTTP: a release names main's images by
digest and its bundle by the manifest's SHA-256, is written once and found again by a
re-run; events make the log that production's gate, the rollback's "previous" and the
listing read; anything missing or malformed is refused in one line."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from churn import artifacts
from churn.errors import ExitCode
from churn.ops import checked_inputs, release, releases, watch
from churn.ops.handover import StackError
from churn.ops.smoke import SmokeError
from tests.support import git_repo
from tests.support.git_repo import commit_files
from tests.support.servers import MotoServer, make_bucket

SHA = "0123456789abcdef0123456789abcdef01234567"
VERSION = "20261124T001109Z-b4f6bc"
MANIFEST = b'{"version": "20261124T001109Z-b4f6bc"}'


@dataclass
class World:
    bucket: str
    prefix: str
    repo: Path

    def run(self, *arguments: str) -> int:
        return release.main(["--model-bucket", self.bucket, *arguments])

    def create(self, git_sha: str = SHA) -> int:
        return self.run(
            "create", "--git-sha", git_sha, "--repo", str(self.repo),
            "--name-prefix", self.prefix, "--verified", "checks passed",
        )  # fmt: skip

    def log(self) -> releases.ReleaseLog:
        return releases.ReleaseLog(self.bucket, boto3.client("s3"))


def push(prefix: str, image: str, tag: str) -> str:
    """An image in moto's ECR (a manifest of its own); its digest."""
    ecr = boto3.client("ecr")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": f"{image}{tag}"},
        }
    )
    pushed = ecr.put_image(repositoryName=f"{prefix}{image}", imageManifest=manifest, imageTag=tag)
    return str(pushed["image"]["imageId"]["imageDigest"])


@pytest.fixture
def world(aws_env: dict[str, str], moto_server: MotoServer, tmp_path: Path) -> World:
    suffix = uuid.uuid4().hex[:8]  # the moto server lives for the session
    bucket, prefix = f"releases-test-{suffix}", f"teleco-rel-{suffix}-"
    make_bucket(bucket)
    for image in releases.IMAGES:
        boto3.client("ecr").create_repository(
            repositoryName=f"{prefix}{image}", imageTagMutability="IMMUTABLE"
        )
        push(prefix, image, SHA)
    boto3.client("s3").put_object(
        Bucket=bucket, Key=f"models/{VERSION}/{artifacts.MANIFEST}", Body=MANIFEST
    )
    repo = tmp_path / "checkout"
    commit_files(
        git_repo.init(repo),
        {"terraform/platform/model.auto.tfvars": f'model_version = "{VERSION}"\n'},
    )
    return World(bucket, prefix, repo)


def test_a_release_names_the_images_by_digest_and_the_bundle_by_checksum(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    assert world.run("--outputs", str(outputs), "create", "--git-sha", SHA, "--repo",
                     str(world.repo), "--name-prefix", world.prefix) == 0  # fmt: skip
    release_id = capsys.readouterr().out.strip()
    assert outputs.read_text() == f"release-id={release_id}\n"
    assert releases.ID_PATTERN.match(release_id) and release_id.endswith(SHA[:7])
    record = world.log().read(release_id)
    ecr = boto3.client("ecr")
    for name, image in record.images.items():
        details = ecr.describe_images(
            repositoryName=f"{world.prefix}{name}", imageIds=[{"imageTag": SHA}]
        )["imageDetails"][0]
        assert image.digest == details["imageDigest"]
        assert image.reference.endswith(f"/{world.prefix}{name}@{details['imageDigest']}")
        # The tag the repositories' lifecycle keeps, on the same image.
        assert f"release-{release_id}" in details["imageTags"]
    assert record.bundle == releases.Bundle(
        f"s3://{world.bucket}/models/{VERSION}/", VERSION, releases.sha256_hex(MANIFEST)
    )
    assert record.git_sha == SHA


def test_a_rerun_finds_its_record_and_a_record_is_never_rewritten(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert world.create() == 0
    first = capsys.readouterr().out.strip()
    assert world.create() == 0
    said = capsys.readouterr()
    assert said.out.strip() == first
    assert f"release {first} of this commit, images and bundle exists: reused" in said.err
    assert world.log().ids() == [first]
    existing = world.log().read(first)
    assert world.log().write(existing) is False  # If-None-Match: * refuses the second write


def test_a_new_image_makes_a_new_release(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert world.create() == 0
    other = "f" * 40
    for image in releases.IMAGES:
        push(world.prefix, image, other)
    assert world.create(other) == 0
    ids = world.log().ids()
    assert len(ids) == 2 and ids[1].endswith("fffffff")


@pytest.mark.parametrize("missing", ["image", "bundle"])
def test_what_main_names_must_exist(
    world: World, missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if missing == "image":
        code = world.create("e" * 40)
        expected = f"{world.prefix}training:{'e' * 40} is not in ECR: push the images first"
    else:
        boto3.client("s3").delete_object(
            Bucket=world.bucket, Key=f"models/{VERSION}/{artifacts.MANIFEST}"
        )
        code = world.create()
        expected = "the bundle main names is not complete"
    assert code == ExitCode.REFUSED
    error = capsys.readouterr().err
    assert error.startswith(f"churn-release: error: {expected}") and error.count("\n") == 1
    assert world.log().ids() == []


def test_checks_skipped_in_a_deploy_are_named_from_a_release_that_passed_them(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`checked` says whether a recent release passed the Terraform checks on this
    checkout's inputs (one deployed somewhere: a deploy applies nothing before its checks
    passed); `create --checks-passed-before` refuses without one and names it."""
    outputs = tmp_path / "outputs"
    assert world.run("--outputs", str(outputs), "checked", "--repo", str(world.repo)) == 0
    inputs = checked_inputs.fingerprint(world.repo)
    assert outputs.read_text() == f"inputs={inputs}\npassed-in=\n"
    assert "have not passed in the last 20 releases: run them" in capsys.readouterr().out
    skipped = ["create", "--git-sha", SHA, "--repo", str(world.repo), "--name-prefix",
               world.prefix, "--checks-passed-before"]  # fmt: skip
    assert world.run(*skipped) == ExitCode.REFUSED
    error = capsys.readouterr().err
    assert error == (
        "churn-release: error: none of the last 20 releases passed the Terraform checks of "
        "these inputs: they must run\n"
    )
    assert world.log().ids() == []

    assert world.create() == 0  # recorded while its checks run
    first = capsys.readouterr().out.strip()
    assert world.log().read(first).checked_inputs == inputs
    # A new commit (docs only) with new images: the same inputs, but the first release was
    # never deployed (its checks may have failed): the checks must run.
    commit_files(world.repo, {"README.md": "docs\n"})
    other = "f" * 40
    for image in releases.IMAGES:
        push(world.prefix, image, other)
    outputs.unlink()
    assert world.run("--outputs", str(outputs), "checked", "--repo", str(world.repo)) == 0
    assert outputs.read_text() == f"inputs={inputs}\npassed-in=\n"
    assert world.run(*skipped[:2], other, *skipped[3:]) == ExitCode.REFUSED
    capsys.readouterr()
    # Deployed (in staging: anywhere counts), it passed them.
    assert record(world, first, "staging", "deployed") == 0
    outputs.unlink()
    assert world.run("--outputs", str(outputs), "checked", "--repo", str(world.repo)) == 0
    assert outputs.read_text() == f"inputs={inputs}\npassed-in={first}\n"
    assert world.run(*skipped[:2], other, *skipped[3:]) == 0
    second = world.log().read(world.log().ids()[-1])
    assert second.verified == [f"Terraform checks: passed on the same inputs in release {first}"]
    assert second.checked_inputs == inputs
    # Terraform changed: no release passed the checks on that.
    commit_files(world.repo, {"terraform/platform/main.tf": "locals {}\n"})
    assert world.run("--outputs", str(outputs), "checked", "--repo", str(world.repo)) == 0
    assert outputs.read_text().endswith("passed-in=\n")


def record(world: World, release_id: str, environment: str, event: str) -> int:
    return world.run(
        "record", "--release", release_id, "--environment", environment, "--event", event
    )


def test_production_refuses_a_release_staging_did_not_pass(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert world.create() == 0
    release_id = capsys.readouterr().out.strip()
    assert record(world, release_id, "staging", "deployed") == 0
    assert record(world, release_id, "staging", "smoke-failed") == 0
    capsys.readouterr()
    assert world.run("check", "--release", release_id, "--passed-in", "staging") == 1
    assert capsys.readouterr().err == (
        f"churn-release: error: release {release_id} did not pass staging's smoke test: refused\n"
    )
    # A verdict of another environment does not count.
    assert record(world, release_id, "production", "smoke-passed") == 0
    assert world.run("check", "--release", release_id, "--passed-in", "staging") == 1
    assert record(world, release_id, "staging", "smoke-passed") == 0
    capsys.readouterr()
    assert world.run("check", "--release", release_id, "--passed-in", "staging") == 0
    assert f"release {release_id} passed staging's smoke test at" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key_environment", "changed"),
    [
        ("staging", {"environment": "staging", "kind": "smoke-failed"}),  # key says passed
        ("staging", {"at": "x-staging-y"}),  # a time that would smuggle a name in
        ("staging", {"release": "20261206T180000Z-0123456"}),  # another release's verdict
    ],
)
def test_a_forged_event_is_refused_not_believed(
    world: World,
    capsys: pytest.CaptureFixture[str],
    key_environment: str,
    changed: dict[str, str],
) -> None:
    """Each deploy role may write only event keys naming its environment (ci-identity);
    a document that says otherwise than its key stops the log being read at all."""
    assert world.create() == 0
    release_id = capsys.readouterr().out.strip()
    event = releases.Event(release_id, "production", "smoke-passed", releases.now_text())
    key = f"releases/{release_id}/events/{event.name}".replace("production", key_environment)
    forged = {**vars(event), **changed}
    boto3.client("s3").put_object(Bucket=world.bucket, Key=key, Body=json.dumps(forged).encode())
    assert world.run("check", "--release", release_id, "--passed-in", "production") == 1
    assert capsys.readouterr().err == (
        f"churn-release: error: s3://{world.bucket}/{key} does not say what its key says\n"
    )


def test_events_are_refused_for_unknown_releases_and_environments(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert record(world, "20261206T180000Z-0123456", "staging", "deployed") == 1
    assert "releases/20261206T180000Z-0123456/release.json does not exist" in (
        capsys.readouterr().err
    )
    assert world.create() == 0
    release_id = capsys.readouterr().out.strip()
    assert record(world, release_id, "Prod/../x", "deployed") == 1
    assert "is not an environment name" in capsys.readouterr().err
    assert record(world, "latest", "staging", "deployed") == 1
    assert "'latest' is not a release id" in capsys.readouterr().err


def releases_live_in_turn(world: World, capsys: pytest.CaptureFixture[str]) -> list[str]:
    made = []
    for commit in ("a" * 40, "b" * 40):
        for image in releases.IMAGES:
            push(world.prefix, image, commit)
        assert world.create(commit) == 0
        made.append(capsys.readouterr().out.strip())
    return made


def test_previous_is_the_release_live_before_the_current_one(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    assert world.run("previous", "--environment", "production") == 1
    assert "no release has been live in production" in capsys.readouterr().err
    assert record(world, first, "production", "live") == 0
    assert world.run("previous", "--environment", "production") == 1
    assert f"{first} is the only release live in production so far" in capsys.readouterr().err
    assert record(world, second, "production", "deployed") == 0
    assert record(world, second, "production", "live") == 0
    assert record(world, second, "staging", "live") == 0  # another environment's history
    outputs = tmp_path / "outputs"
    capsys.readouterr()
    assert world.run("--outputs", str(outputs), "previous", "--environment", "production") == 0
    assert capsys.readouterr().out.strip() == first
    assert outputs.read_text() == f"current={second}\nprevious={first}\n"
    # Rolled back to the first: going back again means the second.
    assert record(world, first, "production", "live") == 0
    capsys.readouterr()
    assert world.run("previous", "--environment", "production") == 0
    assert capsys.readouterr().out.strip() == second


def test_the_listing_shows_each_release_and_its_last_verdict_per_environment(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert world.run("list") == 0
    assert capsys.readouterr().out == "no releases yet\n"
    first, second = releases_live_in_turn(world, capsys)
    for event in ("deployed", "smoke-passed"):
        assert record(world, first, "staging", event) == 0
    assert record(world, first, "production", "live") == 0
    assert record(world, second, "staging", "smoke-failed") == 0
    capsys.readouterr()
    assert world.run("list", "--last", "5") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["release", "commit", "model", "staging", "production"]
    assert lines[1].split() == [second, "b" * 7, VERSION, "smoke-failed", "-"]
    assert lines[2].split() == [first, "a" * 7, VERSION, "smoke-passed", "live"]


def test_a_malformed_record_is_refused_not_half_read(world: World) -> None:
    key = "releases/20261206T180000Z-0123456/release.json"
    document = {"id": "20261206T180000Z-0123456", "git_sha": "nope", "schema_version": 1}
    boto3.client("s3").put_object(Bucket=world.bucket, Key=key, Body=json.dumps(document))
    with pytest.raises(releases.ReleaseError, match="not a release record"):
        world.log().read("20261206T180000Z-0123456")
    images = {n: {"repository": "r", "digest": "sha256:" + "0" * 64} for n in releases.IMAGES}
    bundle = {"uri": "s3://b/models/x/", "version": VERSION, "manifest_sha256": "0" * 64}
    document |= {"created_at": "now", "images": images, "bundle": bundle}
    boto3.client("s3").put_object(Bucket=world.bucket, Key=key, Body=json.dumps(document))
    with pytest.raises(releases.ReleaseError, match="malformed: git_sha 'nope'"):
        world.log().read("20261206T180000Z-0123456")


@dataclass
class Production:
    """The smoke test and the pointer move, as watch sees them: which release fails, what
    was applied."""

    failing: set[str]
    applied: list[str]

    def smoke(self, release: releases.Release) -> None:
        if release.id in self.failing:
            raise SmokeError(f"{release.id}: probability 0.9 through the API, 0.2 from the bundle")

    def move_to(self, release: releases.Release) -> None:
        self.applied.append(release.id)


def watcher(world: World, production: Production) -> watch.Watch:
    return watch.Watch(
        world.log(), "production", production.smoke, production.move_to, run="run-7",
        say=lambda line: None,
    )  # fmt: skip


def events_of(world: World) -> list[tuple[str, str]]:
    return [(e.release, e.kind) for e in world.log().events() if e.environment == "production"]


def test_a_release_that_passes_its_smoke_test_goes_live(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    production = Production(failing=set(), applied=[])
    log = world.log()
    assert watcher(world, production)(log.read(first)) == f"release {first} is live in production"
    watcher(world, production)(log.read(second))
    assert events_of(world) == [
        (first, "deployed"), (first, "smoke-passed"), (first, "live"),
        (second, "deployed"), (second, "smoke-passed"), (second, "live"),
    ]  # fmt: skip
    assert production.applied == []  # nothing rolled back
    assert {e.run for e in log.events()} == {"run-7"}


def test_a_failed_smoke_test_brings_back_the_release_live_before(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    production = Production(failing={second}, applied=[])
    log = world.log()
    watcher(world, production)(log.read(first))
    with pytest.raises(watch.WatchError) as failed:
        watcher(world, production)(log.read(second))
    assert str(failed.value) == (
        f"release {second} failed its smoke test in production ({second}: probability 0.9 "
        f"through the API, 0.2 from the bundle); rolled back to {first}, which passed its "
        "smoke test"
    )
    assert production.applied == [first]
    assert events_of(world)[3:] == [
        (second, "deployed"), (second, "smoke-failed"),
        (first, "smoke-passed"), (first, "live"), (second, "rolled-back"),
    ]  # fmt: skip
    assert world.run("previous", "--environment", "production") == 1  # first is live again


def test_a_first_release_that_fails_has_nothing_to_go_back_to(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = releases_live_in_turn(world, capsys)
    production = Production(failing={first}, applied=[])
    with pytest.raises(watch.WatchError, match="no release was live there before it"):
        watcher(world, production)(world.log().read(first))
    assert production.applied == []
    assert events_of(world) == [(first, "deployed"), (first, "smoke-failed")]


def test_when_the_release_before_fails_too_both_are_named(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    production = Production(failing=set(), applied=[])
    log = world.log()
    watcher(world, production)(log.read(first))
    production.failing = {first, second}  # say, the endpoint itself is down
    with pytest.raises(watch.WatchError, match=f"rolled back to {first}, which failed its smoke"):
        watcher(world, production)(log.read(second))
    assert events_of(world)[-1] == (first, "smoke-failed")


def test_a_rollback_target_that_passes_retires_the_release_it_replaces(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    production = Production(failing=set(), applied=[])
    log = world.log()
    watcher(world, production)(log.read(first))
    watcher(world, production)(log.read(second))
    watcher(world, production)(log.read(first), rollback=True)  # rollback.yml to "previous"
    assert events_of(world)[-4:] == [
        (first, "deployed"), (first, "smoke-passed"), (first, "live"), (second, "rolled-back"),
    ]  # fmt: skip


def test_a_rollback_goes_to_a_release_that_was_live_and_passed_its_smoke_test(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    production = Production(failing=set(), applied=[])
    watcher(world, production)(world.log().read(first))
    watcher(world, production)(world.log().read(second))
    outputs = tmp_path / "outputs"
    capsys.readouterr()
    resolve = ["resolve", "--environment", "production", "--release"]
    assert world.run("--outputs", str(outputs), *resolve, "previous") == 0
    assert capsys.readouterr().out.strip() == first
    assert outputs.read_text() == f"release-id={first}\ngit-sha={'a' * 40}\n"
    assert world.run(*resolve, second) == 1
    assert f"release {second} is what production serves already" in capsys.readouterr().err
    for image in releases.IMAGES:  # a third release, never smoke-tested anywhere
        push(world.prefix, image, "c" * 40)
    assert world.create("c" * 40) == 0
    third = capsys.readouterr().out.strip()
    assert world.run(*resolve, third) == 1
    assert f"release {third} never passed a smoke test: not a way back" in capsys.readouterr().err


def test_a_way_back_that_cannot_be_applied_says_both_what_failed_and_why(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = releases_live_in_turn(world, capsys)
    production = Production(failing=set(), applied=[])
    watcher(world, production)(world.log().read(first))
    production.failing = {second}

    def refused(release: releases.Release) -> None:
        raise StackError("a rollback of platform would also change module.vpc.aws_vpc.this")

    watch_with_refusal = watcher(world, production)
    watch_with_refusal.move_to = refused
    with pytest.raises(StackError) as failed:
        watch_with_refusal(world.log().read(second))
    assert str(failed.value).startswith(f"release {second} failed its smoke test in production (")
    assert str(failed.value).endswith(
        f"rolling back to {first} failed: a rollback of platform would also change "
        "module.vpc.aws_vpc.this"
    )
