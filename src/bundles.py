"""Read a published model bundle: from a local directory or an S3 prefix.

Only complete bundles are served: the manifest (written last) must exist and every file
read must match its checksum. Pure standard library + boto3 (through ``storage``).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from churn import artifacts, storage
from churn.errors import RefusedError
from churn.features import PreprocessingSpec


class BundleError(RefusedError):
    """No servable bundle at the location; the message says why, in one line. A client is
    told why only for a local bundle (its operator's own folder): a remote one's reason
    names buckets and keys, and goes to the server's log only."""

    def __init__(self, message: str, *, remote: bool = False) -> None:
        super().__init__(message)
        self.remote = remote

    @property
    def public_message(self) -> str:
        return "the bundle cannot be read (see the server's log)" if self.remote else str(self)


@dataclass(frozen=True)
class ServingBundle:
    location: str
    version: str
    spec: PreprocessingSpec
    metrics: dict[str, Any]
    model_card: str
    booster: bytes
    """The XGBoost JSON document from model.tar.gz: the local predictor runs it, and in both
    modes the drivers are computed from its trees."""
    checksums: dict[str, str]
    """The manifest's SHA-256 of every file, for files read later (``read_optional``)."""

    @property
    def threshold(self) -> float:
        return float(self.metrics["threshold"])


def resolve(location: str) -> str:
    """A bundle location, or for a local folder of bundles, its newest complete bundle."""
    if storage.is_s3(location):
        return location.rstrip("/")
    folder = Path(location)
    if (folder / artifacts.MANIFEST).is_file():
        return str(folder)
    if not folder.is_dir():
        raise BundleError(f"{location}: no such directory; train a model first (make train)")
    complete = sorted(
        child.name
        for child in folder.iterdir()
        if artifacts.VERSION_PATTERN.match(child.name) and (child / artifacts.MANIFEST).is_file()
    )
    if not complete:
        raise BundleError(f"{location}: holds no complete bundle; train a model first")
    return str(folder / complete[-1])


def load_bundle(location: str) -> ServingBundle:
    root = resolve(location)
    try:
        return _load(root)
    except BundleError as error:
        raise BundleError(str(error), remote=storage.is_s3(root)) from None


def _load(root: str) -> ServingBundle:
    try:
        manifest = json.loads(_read(root, artifacts.MANIFEST))
        checksums: dict[str, str] = dict(manifest["sha256"])
        version = str(manifest["version"])
    except (ValueError, KeyError, TypeError):
        raise BundleError(f"{root}: {artifacts.MANIFEST} is not a bundle manifest") from None

    def verified(name: str) -> bytes:
        return _verified(root, name, checksums)

    try:
        spec = PreprocessingSpec.model_validate_json(verified(artifacts.PREPROCESSING_SPEC))
    except ValueError as error:
        first = str(error).splitlines()[0]
        raise BundleError(f"{root}: {artifacts.PREPROCESSING_SPEC} is invalid ({first})") from None
    # The archive is verified and read in both predictor modes: in SageMaker mode the endpoint
    # loads it, and the drivers computed here must explain what the endpoint serves.
    archive = verified(artifacts.MODEL_ARCHIVE)
    return ServingBundle(
        location=root,
        version=version,
        spec=spec,
        metrics=json.loads(verified(artifacts.METRICS)),
        model_card=verified(artifacts.MODEL_CARD).decode("utf-8"),
        booster=_booster_document(root, archive),
        checksums=checksums,
    )


def read_optional(bundle: ServingBundle, name: str) -> bytes | None:
    """A file that bundles trained before it existed lack: verified, or None if the
    manifest does not list it. Read on demand, so the API's cold start never pays for it."""
    if name not in bundle.checksums:
        return None
    try:
        return _verified(bundle.location, name, bundle.checksums)
    except BundleError as error:
        raise BundleError(str(error), remote=storage.is_s3(bundle.location)) from None


def _read(root: str, name: str) -> bytes:
    try:
        return storage.read_bytes(storage.child(root, name))
    except storage.StorageError as error:
        raise BundleError(str(error)) from None


def _verified(root: str, name: str, checksums: dict[str, str]) -> bytes:
    content = _read(root, name)
    if hashlib.sha256(content).hexdigest() != checksums.get(name):
        raise BundleError(f"{root}: {name} does not match the manifest's checksum")
    return content


def _booster_document(root: str, archive: bytes) -> bytes:
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            extracted = tar.extractfile(tar.getmember(artifacts.BOOSTER_FILE))
            if extracted is not None:
                return extracted.read()
    except (KeyError, tarfile.TarError):
        pass  # no such member, or not a gzip tar
    raise BundleError(f"{root}: {artifacts.MODEL_ARCHIVE} holds no {artifacts.BOOSTER_FILE} file")
