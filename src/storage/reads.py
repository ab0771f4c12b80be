"""Reading a local file, an ``s3://`` object or an ``https://`` URL, whole or as a stream,
and listing the folders under a location."""

from __future__ import annotations

import contextlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Final, cast

from botocore.exceptions import BotoCoreError

from churn.storage import s3
from churn.storage.errors import StorageError, StorageUnavailableError
from churn.storage.locations import S3Location, is_s3

HTTP_TIMEOUT_SECONDS: Final = 30


def read_bytes(uri: str) -> bytes:
    """The whole content of a local file, an ``s3://`` object or an ``https://`` URL."""
    with open_stream(uri) as stream:
        try:
            return stream.read()
        except TimeoutError:
            raise StorageUnavailableError(
                f"{uri}: no answer within {HTTP_TIMEOUT_SECONDS} s"
            ) from None
        except BotoCoreError as error:
            raise StorageUnavailableError(f"{uri}: cannot reach S3 ({error})") from None
        except (OSError, http.client.HTTPException) as error:  # HTTPS cut short: IncompleteRead
            raise StorageUnavailableError(f"{uri}: cannot read ({error})") from None


def list_folders(uri: str) -> list[str]:
    """The names of the folders directly under a local directory or an S3 prefix (none
    when the directory does not exist, as for a prefix with nothing under it)."""
    if not is_s3(uri):
        folder = Path(uri)
        if folder.exists() and not folder.is_dir():
            raise StorageError(f"{uri}: is a file, not a directory")
        return sorted(c.name for c in folder.iterdir() if c.is_dir()) if folder.exists() else []
    location = S3Location.parse(uri)
    prefix = location.child("").key  # "runs/" for runs and runs/, "" for the bucket
    names: list[str] = []
    with s3.translated(location):
        pages = s3.s3_client().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=location.bucket, Prefix=prefix, Delimiter="/"):
            names += [
                common["Prefix"].removeprefix(prefix).rstrip("/")
                for common in page.get("CommonPrefixes", [])
            ]
    return sorted(names)


@contextlib.contextmanager
def open_stream(uri: str) -> Iterator[BinaryIO]:
    """``uri`` as a stream read front to back, for sources too big to hold in memory.

    Opening fails with ``StorageError``; a stream that breaks while being read raises
    ``OSError`` or botocore's ``BotoCoreError``, which the caller reports.
    """
    if is_s3(uri):
        with _open_s3(S3Location.parse(uri)) as body:
            yield body
    elif uri.startswith("https://"):
        with _open_https(uri) as response:
            yield cast("BinaryIO", response)
    else:
        with _open_local(uri) as stream:
            yield stream


def _open_s3(location: S3Location) -> contextlib.closing[BinaryIO]:
    if not location.key:
        raise StorageError(f"{location}: the URI names a bucket but no object key")
    with s3.translated(location):
        body = s3.s3_client().get_object(Bucket=location.bucket, Key=location.key)["Body"]
    return contextlib.closing(cast("BinaryIO", body))


def _open_local(uri: str) -> BinaryIO:
    if "://" in uri:
        scheme = uri.split("://", 1)[0]
        raise StorageError(f"{uri}: unsupported scheme {scheme!r}; use a path, s3:// or https://")
    try:
        return Path(uri).open("rb")
    except FileNotFoundError:
        raise StorageError(f"{uri}: no such file") from None
    except IsADirectoryError:
        raise StorageError(f"{uri}: is a directory, not a file") from None
    except OSError as error:
        raise StorageError(f"{uri}: cannot read ({error.strerror})") from None


def _open_https(url: str) -> http.client.HTTPResponse:
    # S310: only https:// URLs reach this function (callers dispatch on the scheme).
    # urlopen verifies certificates against the system store (or SSL_CERT_FILE).
    request = urllib.request.Request(url, headers={"User-Agent": "telco-churn"})  # noqa: S310
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(  # noqa: S310
            request, timeout=HTTP_TIMEOUT_SECONDS
        )
    except urllib.error.HTTPError as error:
        failed = StorageError if error.code < 500 else StorageUnavailableError
        raise failed(f"{url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise StorageUnavailableError(f"{url}: cannot fetch ({error.reason})") from None
    except TimeoutError:
        raise StorageUnavailableError(f"{url}: no answer within {HTTP_TIMEOUT_SECONDS} s") from None
    return response
