"""Where things are: a local path or an ``s3://bucket/key`` location."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from churn.storage.errors import StorageError


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Location:
        rest = uri.removeprefix("s3://")
        bucket, _, key = rest.partition("/")
        if not bucket:
            raise StorageError(f"{uri}: an S3 URI needs a bucket, as in s3://bucket/key")
        return cls(bucket, key)

    def child(self, name: str) -> S3Location:
        prefix = self.key.rstrip("/")
        return S3Location(self.bucket, f"{prefix}/{name}" if prefix else name)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def is_s3(uri: str) -> bool:
    return uri.startswith("s3://")


def child(location: str, name: str) -> str:
    """The location of ``name`` under a local directory or an S3 prefix."""
    if is_s3(location):
        return str(S3Location.parse(location).child(name))
    return str(Path(location) / name)
