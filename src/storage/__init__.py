"""Reading sources and publishing directories: local paths, ``s3://`` and ``https://``.

Pure standard library plus boto3, so the Lambda can use it too. Every failure surfaces as
``StorageError`` with a one-line message that names the location (``StorageUnavailableError``
when what holds it failed rather than what it names); callers never see a botocore or
urllib traceback.

- ``locations``: what an ``s3://`` URI names, and a child of any location;
- ``s3``: the client, and the one translation of boto3's failures;
- ``reads``: a source read whole or streamed, the folders under a location;
- ``publication``: files published all or nothing, some streamed (``multipart``).
"""

from churn.storage.errors import StorageError, StorageUnavailableError
from churn.storage.locations import S3Location, child, is_s3
from churn.storage.publication import (
    Publication,
    check_writable,
    publication,
    publish_directory,
    staging_directory,
)
from churn.storage.reads import list_folders, open_stream, read_bytes
from churn.storage.s3 import s3_client

__all__ = [
    "Publication",
    "S3Location",
    "StorageError",
    "StorageUnavailableError",
    "check_writable",
    "child",
    "is_s3",
    "list_folders",
    "open_stream",
    "publication",
    "publish_directory",
    "read_bytes",
    "s3_client",
    "staging_directory",
]
