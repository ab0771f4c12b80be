"""The S3 client every storage call uses, and the one place a boto3 failure becomes a
``StorageError``: boto3 honours ``AWS_ENDPOINT_URL`` (a moto server in tests)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from churn.storage.errors import StorageError, StorageUnavailableError
from churn.storage.locations import S3Location

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_S3_CONFIG: Final = Config(
    connect_timeout=10, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
)
# S3's answer to a conditional write whose key exists (412; 409 when two race).
_TAKEN: Final = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict"})


def s3_client() -> S3Client:
    return boto3.client("s3", config=_S3_CONFIG)


@contextlib.contextmanager
def translated(
    location: S3Location, unreachable: str = "cannot reach S3", *, shown: object = None
) -> Iterator[None]:
    """boto3's failures inside the block as one-line ``StorageError``s about ``location``
    (the line starts with ``shown``, ``location`` by default): S3's refusals explained, a
    connection that failed as ``unreachable (why)``."""
    start = location if shown is None else shown
    try:
        yield
    except ClientError as error:
        failure, said = refusal(error, location)
        raise failure(f"{start}: {said}") from None
    except (BotoCoreError, S3UploadFailedError) as error:
        raise StorageUnavailableError(f"{start}: {unreachable} ({error})") from None


def refusal(error: ClientError, location: S3Location) -> tuple[type[StorageError], str]:
    """S3's refusal in words, and whose it is: what is missing is the caller's to fix
    (``StorageError``); anything else S3 said is S3's (``StorageUnavailableError``)."""
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    # A HEAD answer has no error document: its bare 404 is the bucket's when no key was asked.
    if code == "NoSuchBucket" or (code == "404" and not location.key):
        return StorageError, f"bucket {location.bucket!r} does not exist"
    if code in ("NoSuchKey", "404"):
        return StorageError, f"no object {location.key!r} in bucket {location.bucket!r}"
    if code in ("AccessDenied", "403"):
        return (
            StorageUnavailableError,
            "access denied (check the credentials and the bucket policy)",
        )
    return StorageUnavailableError, f"S3 said {code}: {details.get('Message', '')}".rstrip(": ")


def is_taken(error: ClientError) -> bool:
    """Whether S3 refused a conditional write because the key exists."""
    return error.response.get("Error", {}).get("Code", "") in _TAKEN


def exists(client: S3Client, location: S3Location) -> bool:
    with translated(location):
        try:
            client.head_object(Bucket=location.bucket, Key=location.key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return False
            raise
    return True
