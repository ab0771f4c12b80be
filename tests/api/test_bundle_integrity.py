"""A bundle is served only as its manifest describes it: a changed file is refused at load,
in both predictor modes, from a folder and from S3 (the moto server)."""

from __future__ import annotations

import shutil
from pathlib import Path

import boto3
import pytest

from churn import artifacts
from churn.api.bundle import BundleError, resolve
from churn.api.service import build_service
from churn.api.settings import Settings

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


def test_a_folder_of_bundles_serves_its_newest_complete_one(tmp_path: Path) -> None:
    """Versions sort by time: the newest complete bundle is served, not the oldest, nor a
    newer one still being written (no manifest yet), nor a folder that is not a version."""
    folder = tmp_path / "artifacts"
    for name, complete in (
        ("20261101T000000Z-aaaaaa", True),
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


def test_a_folder_without_a_complete_bundle_is_refused_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "20261130T120000Z-cccccc").mkdir()
    with pytest.raises(BundleError, match="holds no complete bundle; train a model first"):
        resolve(str(tmp_path))
    with pytest.raises(BundleError, match="no such directory; train a model first"):
        resolve(str(tmp_path / "missing"))
