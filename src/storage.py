"""Reading sources and publishing directories: local paths, ``s3://`` and ``https://``.

Pure standard library plus boto3, so the Lambda can use it too. Every failure surfaces as
``StorageError`` with a one-line message that names the location; callers never see a
botocore or urllib traceback. boto3 honours ``AWS_ENDPOINT_URL`` (a moto server in tests).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import io
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final, cast

import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

HTTP_TIMEOUT_SECONDS: Final = 30
_S3_CONFIG: Final = Config(
    connect_timeout=10, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
)


class StorageError(Exception):
    """A location could not be read or written; the message is one readable line."""


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


def s3_client() -> S3Client:
    return boto3.client("s3", config=_S3_CONFIG)


def read_bytes(uri: str) -> bytes:
    """The whole content of a local file, an ``s3://`` object or an ``https://`` URL."""
    with open_stream(uri) as stream:
        try:
            return stream.read()
        except TimeoutError:
            raise StorageError(f"{uri}: no answer within {HTTP_TIMEOUT_SECONDS} s") from None
        except BotoCoreError as error:
            raise StorageError(f"{uri}: cannot reach S3 ({error})") from None
        except OSError as error:
            raise StorageError(f"{uri}: cannot read ({error})") from None


def list_folders(uri: str) -> list[str]:
    """The names of the folders directly under a local directory or an S3 prefix (none
    when the directory does not exist, as for a prefix with nothing under it)."""
    if not is_s3(uri):
        folder = Path(uri)
        if folder.exists() and not folder.is_dir():
            raise StorageError(f"{uri}: is a file, not a directory")
        return sorted(c.name for c in folder.iterdir() if c.is_dir()) if folder.exists() else []
    location = S3Location.parse(uri)
    prefix = location.key.rstrip("/") + "/" if location.key.strip("/") else ""
    names: list[str] = []
    try:
        pages = s3_client().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=location.bucket, Prefix=prefix, Delimiter="/"):
            names += [
                common["Prefix"].removeprefix(prefix).rstrip("/")
                for common in page.get("CommonPrefixes", [])
            ]
    except ClientError as error:
        raise StorageError(f"{location}: {_explain_s3_error(error, location)}") from None
    except BotoCoreError as error:
        raise StorageError(f"{location}: cannot reach S3 ({error})") from None
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
    try:
        body = s3_client().get_object(Bucket=location.bucket, Key=location.key)["Body"]
    except ClientError as error:
        raise StorageError(f"{location}: {_explain_s3_error(error, location)}") from None
    except BotoCoreError as error:
        raise StorageError(f"{location}: cannot reach S3 ({error})") from None
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


def _explain_s3_error(error: ClientError, location: S3Location) -> str:
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    # A HEAD answer has no error document: its bare 404 is the bucket's when no key was asked.
    if code == "NoSuchBucket" or (code == "404" and not location.key):
        return f"bucket {location.bucket!r} does not exist"
    if code in ("NoSuchKey", "404"):
        return f"no object {location.key!r} in bucket {location.bucket!r}"
    if code in ("AccessDenied", "403"):
        return "access denied (check the credentials and the bucket policy)"
    return f"S3 said {code}: {details.get('Message', '')}".rstrip(": ")


def _open_https(url: str) -> http.client.HTTPResponse:
    # S310: only https:// URLs reach this function (callers dispatch on the scheme).
    # urlopen verifies certificates against the system store (or SSL_CERT_FILE).
    request = urllib.request.Request(url, headers={"User-Agent": "telco-churn"})  # noqa: S310
    try:
        response: http.client.HTTPResponse = urllib.request.urlopen(  # noqa: S310
            request, timeout=HTTP_TIMEOUT_SECONDS
        )
    except urllib.error.HTTPError as error:
        raise StorageError(f"{url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise StorageError(f"{url}: cannot fetch ({error.reason})") from None
    except TimeoutError:
        raise StorageError(f"{url}: no answer within {HTTP_TIMEOUT_SECONDS} s") from None
    return response


def publish_directory(source: Path, destination: str, *, last: str) -> str:
    """Publish the files of ``source`` at ``destination`` (a new local dir or S3 prefix).

    Publication is all-or-nothing as readers see it: locally the directory appears by one
    rename; on S3 (which has no rename) the file named ``last`` is uploaded after all the
    others, so a reader that waits for it never sees a partial publication, and a failed
    upload deletes what it had put. On S3 each file is one conditional write that S3 refuses
    if the key exists (bundles, which never change; ``Publication`` is for files of any
    size). Returns the published location.
    """
    if is_s3(destination):
        return _publish_s3(source, S3Location.parse(destination), last, streamed=False)
    return _publish_local(source, Path(destination))


def _publish_local(source: Path, destination: Path) -> str:
    if destination.exists():
        raise StorageError(f"{destination}: already exists; refusing to overwrite it")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        source.rename(destination)
    except OSError as error:
        raise StorageError(f"{destination}: cannot write ({error.strerror})") from None
    return str(destination)


def _publish_s3(source: Path, prefix: S3Location, last: str, *, streamed: bool) -> str:
    names = sorted(path.name for path in source.iterdir() if path.is_file())
    names.sort(key=lambda name: name == last)
    client = s3_client()
    uploaded: list[str] = []
    try:
        for name in names:
            key = prefix.child(name).key
            if streamed:
                # Multipart above 8 MB, read from disk part by part: memory stays flat.
                client.upload_file(str(source / name), prefix.bucket, key)
            else:
                # Bundle files are small (well under S3's 5 GB single-put limit).
                # If-None-Match: S3 refuses to replace an existing object: a published bundle
                # never changes (the model bucket's policy refuses any write without it).
                body = (source / name).read_bytes()
                client.put_object(Bucket=prefix.bucket, Key=key, Body=body, IfNoneMatch="*")
            uploaded.append(key)
    except (ClientError, BotoCoreError, S3UploadFailedError) as error:
        for key in uploaded:
            # Best effort: the last file was never written, so readers ignore leftovers
            # (where deletes are refused, as under the model bucket's models/, they stay).
            with contextlib.suppress(ClientError, BotoCoreError):
                client.delete_object(Bucket=prefix.bucket, Key=key)
        if isinstance(error, ClientError) and _is_taken(error):
            raise StorageError(
                f"{prefix}: already published (bundles are immutable; train a new version)"
            ) from None
        if isinstance(error, ClientError):
            raise StorageError(f"{prefix}: {_explain_s3_error(error, prefix)}") from None
        raise StorageError(f"{prefix}: upload failed ({error})") from None
    return str(prefix)


def _exists(client: S3Client, location: S3Location) -> bool:
    try:
        client.head_object(Bucket=location.bucket, Key=location.key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            return False
        raise
    return True


def _is_taken(error: ClientError) -> bool:
    """S3's answer to a conditional write whose key exists (412; 409 when two race)."""
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("PreconditionFailed", "412", "ConditionalRequestConflict")


@contextlib.contextmanager
def staging_directory(root: str, prefix: str) -> Iterator[Path]:
    """A scratch directory for files about to be published under ``root``, removed
    afterwards whatever happens.

    For a local ``root`` it sits in ``root`` itself (hidden, ``.partial-``), so publishing is
    a rename on one filesystem; a ``root`` this call had to create is removed again if
    publishing fails. For S3 it is a temporary directory.
    """
    if is_s3(root):
        with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
            yield Path(scratch)
        return
    folder = Path(root)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder))
        staging.chmod(0o755)  # mkdtemp makes it private; what is published is not
    except OSError as error:
        raise StorageError(f"{root}: cannot write ({error.strerror})") from None
    try:
        yield staging
    except BaseException:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_writable(destination: str) -> None:
    """Fail fast, before any expensive work, when ``destination`` obviously cannot be written."""
    if is_s3(destination):
        location = S3Location.parse(destination)
        try:
            s3_client().head_bucket(Bucket=location.bucket)
        except ClientError as error:
            bucket_only = S3Location(location.bucket, "")  # HeadBucket's 404 is the bucket's
            raise StorageError(f"{location}: {_explain_s3_error(error, bucket_only)}") from None
        except BotoCoreError as error:
            raise StorageError(f"{location}: cannot reach S3 ({error})") from None
        return
    for parent in (Path(destination), *Path(destination).parents):
        if parent.exists():
            if not parent.is_dir():
                raise StorageError(f"{destination}: {parent} is a file, not a directory")
            return


# ------------------------------------------------------------------ streamed publication

PART_BYTES: Final = 16 << 20
"""One part of a streamed S3 object: S3 wants at least 5 MiB in every part but the last and
at most ``MAX_PARTS`` parts, so a streamed object can reach 160 GiB (about 1.7 billion
scored customers)."""
MAX_PARTS: Final = 10_000


class _MultipartObject(io.RawIOBase):
    """An S3 object written front to back as it is produced: a multipart upload, started
    once a whole part is waiting, each part sent on a second thread while the next fills.
    Nothing is visible until ``complete()``; ``abort()`` drops what was sent (and the bucket's
    rule aborts uploads a killed process left behind). Memory: two parts at most."""

    def __init__(self, client: S3Client, location: S3Location, part_bytes: int) -> None:
        self._client = client
        self.location = location
        self._part_bytes = part_bytes
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[CompletedPartTypeDef] = []
        self._sending: concurrent.futures.Future[CompletedPartTypeDef] | None = None
        self._sender = concurrent.futures.ThreadPoolExecutor(1, f"upload-{location.key}")
        self.completed = False
        self._dropped = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._dropped:  # the buffered file above still flushes when it is collected
            return len(data)
        self._buffer += data
        while len(self._buffer) >= self._part_bytes:
            self._send(bytes(self._buffer[: self._part_bytes]))
            del self._buffer[: self._part_bytes]
        return len(data)

    def _send(self, body: bytes) -> None:
        try:
            if self._upload_id is None:
                started = self._client.create_multipart_upload(
                    Bucket=self.location.bucket, Key=self.location.key
                )
                self._upload_id = started["UploadId"]
            self._wait_for_previous()
        except (ClientError, BotoCoreError) as error:
            # Raised through whatever writes to this file (Arrow's CSV writer): one line.
            raise StorageError(f"{self.location}: upload failed ({error})") from None
        if len(self._parts) >= MAX_PARTS:
            raise StorageError(
                f"{self.location}: over S3's {MAX_PARTS:,} parts of {self._part_bytes >> 20} MiB"
            )
        self._sending = self._sender.submit(self._upload_part, len(self._parts) + 1, body)

    def _upload_part(self, number: int, body: bytes) -> CompletedPartTypeDef:
        answer = self._client.upload_part(
            Bucket=self.location.bucket,
            Key=self.location.key,
            UploadId=str(self._upload_id),
            PartNumber=number,
            Body=body,
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _wait_for_previous(self) -> None:
        if self._sending is not None:
            sending, self._sending = self._sending, None
            self._parts.append(sending.result())

    def complete(self) -> None:
        location = self.location
        if self._upload_id is None:  # smaller than one part: one plain write
            self._client.put_object(
                Bucket=location.bucket, Key=location.key, Body=bytes(self._buffer)
            )
        else:
            if self._buffer:
                self._send(bytes(self._buffer))
            self._wait_for_previous()
            self._client.complete_multipart_upload(
                Bucket=location.bucket,
                Key=location.key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
            self._upload_id = None
        self._buffer.clear()
        self._sender.shutdown()
        self.completed = True

    def abort(self) -> None:
        self._dropped = True
        self._sender.shutdown(cancel_futures=True)
        if self._upload_id is not None:
            upload_id, self._upload_id = self._upload_id, None
            with contextlib.suppress(ClientError, BotoCoreError):
                self._client.abort_multipart_upload(
                    Bucket=self.location.bucket, Key=self.location.key, UploadId=upload_id
                )


class Publication:
    """Files published together at a local directory or S3 prefix, as ``publish_directory``
    does (all or nothing as readers see it, ``last`` written last), some of them streamed.

    Small files are written into ``staging``. ``stream(name)`` is for files of any size: a
    file in ``staging`` locally, and on S3 an upload straight to its final key that stays
    invisible until ``publish()``, so neither memory nor local disk grows with the file.
    Leaving the ``with`` block without publishing drops everything.
    """

    def __init__(self, destination: str, staging: Path, last: str) -> None:
        self.destination = destination
        self.staging = staging
        self.last = last
        self._files: list[BinaryIO] = []
        self._uploads: list[_MultipartObject] = []
        self.published = False
        if is_s3(destination):
            self._prefix = S3Location.parse(destination)
            self._client = s3_client()
            self._refuse_if_published()
        elif Path(destination).exists():  # refused now rather than after the work
            raise StorageError(f"{destination}: already exists; refusing to overwrite it")

    def stream(self, name: str) -> BinaryIO:
        if not is_s3(self.destination):
            file = (self.staging / name).open("wb")
        else:
            upload = _MultipartObject(self._client, self._prefix.child(name), PART_BYTES)
            self._uploads.append(upload)
            file = io.BufferedWriter(upload, buffer_size=1 << 20)
        self._files.append(cast("BinaryIO", file))
        return cast("BinaryIO", file)

    def publish(self) -> str:
        for file in self._files:
            file.close()  # flushes what is buffered; completing is below
        if not is_s3(self.destination):
            published = _publish_local(self.staging, Path(self.destination))
            self.published = True
            return published
        try:
            self._refuse_if_published()
            for upload in self._uploads:
                upload.complete()
            published = _publish_s3(self.staging, self._prefix, self.last, streamed=True)
            self.published = True
            return published
        except (ClientError, BotoCoreError, StorageError) as error:
            self.abandon()
            self._delete_completed()
            if isinstance(error, StorageError):
                raise
            raise StorageError(f"{self._prefix}: upload failed ({error})") from None

    def _delete_completed(self) -> None:
        # Best effort, like publish_directory's: without ``last`` readers ignore them anyway.
        for upload in self._uploads:
            if upload.completed:
                location = upload.location
                with contextlib.suppress(ClientError, BotoCoreError):
                    self._client.delete_object(Bucket=location.bucket, Key=location.key)

    def abandon(self) -> None:
        for upload in self._uploads:
            upload.abort()

    def _refuse_if_published(self) -> None:
        try:
            published = _exists(self._client, self._prefix.child(self.last))
        except (ClientError, BotoCoreError) as error:
            raise StorageError(f"{self._prefix}: cannot read ({error})") from None
        if published:
            raise StorageError(f"{self._prefix}: already published; refusing to overwrite it")


@contextlib.contextmanager
def publication(destination: str, *, last: str, prefix: str) -> Iterator[Publication]:
    """A ``Publication`` for ``destination``; when the block ends, its staging is removed
    and, unless ``publish()`` succeeded, its uploads are aborted: on an error, on an early
    return and on a block that simply forgot to publish."""
    root = destination if is_s3(destination) else str(Path(destination).parent)
    with staging_directory(root, prefix=prefix) as staging:
        opened = Publication(destination, staging, last)
        try:
            yield opened
        finally:
            if not opened.published:
                opened.abandon()
