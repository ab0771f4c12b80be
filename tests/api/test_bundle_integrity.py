"""A bundle is served only as its manifest describes it: a changed file is refused at load,
in both predictor modes, from a folder and from S3 (the moto server)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import boto3
import pytest

from churn import artifacts, storage
from churn.api.predictors import SageMakerPredictor
from churn.api.service import build_service
from churn.api.settings import Settings
from churn.bundles import BundleError, load_bundle, read_optional, resolve
from tests.support.servers import make_bucket

MODES = ("local", "sagemaker")


def settings(bundle: str, mode: str) -> Settings:
    if mode == "local":
        return Settings(bundle=bundle, predictor="local")
    return Settings(bundle=bundle, predictor="sagemaker", sagemaker_endpoint="any-endpoint")


def tampered_copy(bundle_dir: Path, target: Path, name: str) -> Path:
    shutil.copytree(bundle_dir, target)
    with (target / name).open("ab") as file:
        file.write(b"\0")  # one byte more: still a gzip stream a lenient reader accepts
    return target


@pytest.mark.parametrize("mode", MODES)
def test_a_changed_model_archive_is_refused_from_a_folder(
    bundle_dir: Path, tmp_path: Path, mode: str
) -> None:
    bundle = tampered_copy(bundle_dir, tmp_path / "bundle", artifacts.MODEL_ARCHIVE)
    with pytest.raises(BundleError, match=f"{artifacts.MODEL_ARCHIVE} does not match"):
        build_service(settings(str(bundle), mode))


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize("mode", MODES)
def test_a_changed_model_archive_is_refused_from_s3(
    bundle_dir: Path, tmp_path: Path, mode: str
) -> None:
    bundle = tampered_copy(bundle_dir, tmp_path / "bundle", artifacts.MODEL_ARCHIVE)
    s3 = boto3.client("s3")
    bucket = f"churn-tampered-{mode}"
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    for path in bundle.iterdir():
        s3.put_object(Bucket=bucket, Key=f"models/v1/{path.name}", Body=path.read_bytes())
    with pytest.raises(BundleError, match=f"{artifacts.MODEL_ARCHIVE} does not match"):
        build_service(settings(f"s3://{bucket}/models/v1", mode))


@pytest.mark.usefixtures("aws_env")  # the SageMaker predictor makes its client (no call)
@pytest.mark.parametrize("mode", MODES)
def test_the_untouched_bundle_loads(bundle_dir: Path, mode: str) -> None:
    service = build_service(settings(str(bundle_dir), mode))
    assert service.bundle.version == bundle_dir.name


@pytest.mark.usefixtures("aws_env")
def test_the_endpoints_client_gets_the_configured_timeouts_and_attempts(bundle_dir: Path) -> None:
    configured = Settings(
        bundle=str(bundle_dir),
        predictor="sagemaker",
        sagemaker_endpoint="any-endpoint",
        sagemaker_connect_timeout_seconds=1.5,
        sagemaker_read_timeout_seconds=6.0,
        sagemaker_max_attempts=3,
    )
    predictor = build_service(configured).predictor
    assert isinstance(predictor, SageMakerPredictor)
    client_config: Any = predictor._runtime.meta.config  # botocore's Config sets these at run time
    assert (client_config.connect_timeout, client_config.read_timeout) == (1.5, 6.0)
    assert client_config.retries["total_max_attempts"] == 3


def test_a_local_bundles_refusal_is_told_to_the_client_as_it_is() -> None:
    """Only a remote bundle's reason (bucket and key names) stays in the server's log."""
    assert BundleError("artifacts: no such directory").public_message == (
        "artifacts: no such directory"
    )


def test_a_folder_of_bundles_serves_its_newest_complete_one(tmp_path: Path) -> None:
    """Versions sort by time: the newest complete bundle is served, not the oldest, nor a
    newer one still being written (no manifest yet), nor a folder that is not a version."""
    folder = tmp_path / "artifacts"
    for name, complete in (
        ("20261101T000000Z-aaaaaa", True),
        ("20261115T000000Z-abcdef", True),  # three complete: the second is not the newest
        ("20261124T001109Z-bbbbbb", True),
        ("20261130T120000Z-cccccc", False),  # being written
        ("zz-not-a-version", True),
    ):
        (folder / name).mkdir(parents=True)
        if complete:
            (folder / name / artifacts.MANIFEST).write_text("{}")
    assert resolve(str(folder)) == str(folder / "20261124T001109Z-bbbbbb")
    assert resolve(str(folder / "20261101T000000Z-aaaaaa")) == str(
        folder / "20261101T000000Z-aaaaaa"
    )  # a bundle named directly is served as named
    # An S3 prefix loses its trailing slashes, nothing else.
    assert resolve("s3://bucket/models/BOX//") == "s3://bucket/models/BOX"


def test_a_folder_without_a_complete_bundle_is_refused_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "20261130T120000Z-cccccc").mkdir()
    with pytest.raises(BundleError, match="holds no complete bundle; train a model first"):
        resolve(str(tmp_path))
    with pytest.raises(BundleError, match="no such directory; train a model first"):
        resolve(str(tmp_path / "missing"))


def resigned_copy(bundle_dir: Path, target: Path, **contents: bytes) -> Path:
    """A copy with some files replaced and the manifest's checksums made to match them:
    the manifest vouches for the content, which must still be refused or served right."""
    shutil.copytree(bundle_dir, target)
    for name, content in contents.items():
        (target / name.replace("_", ".")).write_bytes(content)
    manifest = json.loads((target / artifacts.MANIFEST).read_text())
    manifest["sha256"] = {
        name: hashlib.sha256((target / name).read_bytes()).hexdigest()
        for name in manifest["sha256"]
    }
    (target / artifacts.MANIFEST).write_text(json.dumps(manifest))
    return target


def archive_of(name: str, content: bytes | None) -> bytes:
    """A gzip tar holding ``name``: a file of ``content``, or a directory when None."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(name)
        if content is None:
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        else:
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_a_bundle_loads_as_its_files_say(bundle_dir: Path) -> None:
    served = load_bundle(f"{bundle_dir}")
    metrics = json.loads((bundle_dir / artifacts.METRICS).read_text())
    assert served.location == str(bundle_dir)
    assert served.version == bundle_dir.name
    assert served.metrics == metrics
    assert served.threshold == metrics["threshold"] and type(served.threshold) is float
    assert served.model_card == (bundle_dir / artifacts.MODEL_CARD).read_text(encoding="utf-8")
    with tarfile.open(bundle_dir / artifacts.MODEL_ARCHIVE) as archive:
        member = archive.extractfile(artifacts.BOOSTER_FILE)
        assert member is not None
        assert served.booster == member.read()


@pytest.mark.parametrize(
    "name", [artifacts.PREPROCESSING_SPEC, artifacts.METRICS, artifacts.MODEL_CARD]
)
def test_every_file_is_checked_against_the_manifest(
    bundle_dir: Path, tmp_path: Path, name: str
) -> None:
    bundle = tampered_copy(bundle_dir, tmp_path / "bundle", name)
    with pytest.raises(BundleError) as refused:
        load_bundle(str(bundle))
    assert str(refused.value) == f"{bundle}: {name} does not match the manifest's checksum"
    assert refused.value.public_message == str(refused.value)  # a local bundle: its operator's


def test_a_file_the_manifest_does_not_list_is_refused(bundle_dir: Path, tmp_path: Path) -> None:
    bundle = resigned_copy(bundle_dir, tmp_path / "bundle")
    manifest = json.loads((bundle / artifacts.MANIFEST).read_text())
    del manifest["sha256"][artifacts.METRICS]
    (bundle / artifacts.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=r"metrics\.json does not match the manifest's checksum"):
        load_bundle(str(bundle))


@pytest.mark.parametrize(
    "manifest", [b"not json", b"[1]", b'{"version": "v"}', b'{"sha256": {}}', b'"text"']
)
def test_a_manifest_that_is_not_one_is_named(
    bundle_dir: Path, tmp_path: Path, manifest: bytes
) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(bundle_dir, bundle)
    (bundle / artifacts.MANIFEST).write_bytes(manifest)
    with pytest.raises(BundleError) as refused:
        load_bundle(str(bundle))
    assert str(refused.value) == f"{bundle}: bundle.json is not a bundle manifest"


def test_a_missing_file_is_named(bundle_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(bundle_dir, bundle)
    (bundle / artifacts.MODEL_CARD).unlink()
    with pytest.raises(BundleError) as refused:
        load_bundle(str(bundle))
    assert str(refused.value) == f"{bundle / artifacts.MODEL_CARD}: no such file"


def test_a_spec_the_manifest_vouches_for_must_still_be_a_spec(
    bundle_dir: Path, tmp_path: Path
) -> None:
    bundle = resigned_copy(bundle_dir, tmp_path / "bundle", preprocessing_json=b'{"x": 1}')
    with pytest.raises(BundleError) as refused:
        load_bundle(str(bundle))
    assert str(refused.value) == (
        f"{bundle}: preprocessing.json is invalid (2 validation errors for PreprocessingSpec)"
    )


@pytest.mark.parametrize(
    "archive",
    [
        archive_of("other-file", b"{}"),
        archive_of(artifacts.BOOSTER_FILE, None),
        b"not a gzip tar",
    ],
    ids=["no booster", "booster is a directory", "not an archive"],
)
def test_an_archive_without_the_booster_is_refused_in_both_modes(
    bundle_dir: Path, tmp_path: Path, archive: bytes
) -> None:
    bundle = resigned_copy(bundle_dir, tmp_path / "bundle", model_tar_gz=archive)
    with pytest.raises(BundleError) as refused:
        load_bundle(str(bundle))
    assert str(refused.value) == f"{bundle}: model.tar.gz holds no xgboost-model file"


@pytest.mark.usefixtures("aws_env")
def test_a_remote_bundles_reason_stays_in_the_log(bundle_dir: Path) -> None:
    make_bucket("churn-remote-reason")
    location = "s3://churn-remote-reason/models/20260101T000000Z-aaaaaa/"
    assert resolve(location) == location.rstrip("/")
    with pytest.raises(BundleError) as refused:
        load_bundle(location)
    assert refused.value.remote
    assert "churn-remote-reason" in str(refused.value)
    assert refused.value.public_message == "the bundle cannot be read (see the server's log)"
    storage.publish_directory(bundle_dir, location.rstrip("/"), last=artifacts.MANIFEST)
    assert load_bundle(location).version == bundle_dir.name


def test_a_model_the_drivers_cannot_explain_is_no_model_to_serve(
    bundle_dir: Path, tmp_path: Path
) -> None:
    """A booster whose objective is not binary:logistic (here a regression) cannot be
    explained as log-odds: the bundle is refused at load, in one line, in either mode."""
    with tarfile.open(bundle_dir / artifacts.MODEL_ARCHIVE) as archive:
        member = archive.extractfile(artifacts.BOOSTER_FILE)
        assert member is not None
        document = json.loads(member.read())
    document["learner"]["objective"]["name"] = "reg:squarederror"
    booster = archive_of(artifacts.BOOSTER_FILE, json.dumps(document).encode())
    bundle = resigned_copy(bundle_dir, tmp_path / "bundle", model_tar_gz=booster)
    with pytest.raises(BundleError) as refused:
        build_service(Settings(bundle=str(bundle), predictor="local"))
    assert str(refused.value) == (
        f"{bundle}: a gbtree reg:squarederror model: only gbtree binary:logistic"
    )
    assert not refused.value.remote


def test_an_optional_file_is_read_verified_or_none_when_the_manifest_predates_it(
    bundle_dir: Path, tmp_path: Path
) -> None:
    bundle = load_bundle(str(bundle_dir))
    assert (
        read_optional(bundle, artifacts.REFERENCE)
        == (bundle_dir / artifacts.REFERENCE).read_bytes()
    )
    assert read_optional(bundle, "added-in-a-later-version.json") is None
    shutil.copytree(bundle_dir, tmp_path / "bundle")
    tampered = load_bundle(str(tmp_path / "bundle"))
    (tmp_path / "bundle" / artifacts.REFERENCE).write_bytes(b"{}")  # changed after loading
    with pytest.raises(BundleError) as refused:
        read_optional(tampered, artifacts.REFERENCE)
    assert str(refused.value) == (
        f"{tmp_path / 'bundle'}: {artifacts.REFERENCE} does not match the manifest's checksum"
    )
    assert refused.value.remote is False


@pytest.mark.usefixtures("aws_env")
def test_an_optional_file_changed_in_s3_keeps_its_reason_in_the_log(bundle_dir: Path) -> None:
    make_bucket("churn-optional")
    location = "s3://churn-optional/models/v1"
    storage.publish_directory(bundle_dir, location, last=artifacts.MANIFEST)
    bundle = load_bundle(location)
    boto3.client("s3").put_object(
        Bucket="churn-optional", Key=f"models/v1/{artifacts.REFERENCE}", Body=b"{}"
    )
    with pytest.raises(BundleError) as refused:
        read_optional(bundle, artifacts.REFERENCE)
    assert (
        str(refused.value)
        == f"{location}: {artifacts.REFERENCE} does not match the manifest's checksum"
    )
    assert refused.value.remote is True
