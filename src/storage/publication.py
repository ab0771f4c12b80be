"""Publishing files together at a local directory or an S3 prefix, all or nothing as
readers see it: locally one rename; on S3 (which has no rename) the file named ``last``
written after all the others, so a reader that waits for it never sees a partial set."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from botocore.exceptions import BotoCoreError, ClientError

from churn.storage import multipart, s3
from churn.storage.errors import StorageError
from churn.storage.locations import S3Location, is_s3

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def publish_directory(source: Path, destination: str, *, last: str) -> str:
    """Publish the files of ``source`` at ``destination`` (a new local dir or S3 prefix).

    On S3 each file is one conditional write that S3 refuses if the key exists (bundles,
    which never change; ``Publication`` is for files of any size), and a failed upload
    deletes what it had put. Returns the published location.
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
    client = s3.s3_client()
    uploaded: list[str] = []
    try:
        with s3.translated(prefix, unreachable="upload failed"):
            try:
                for name in names:
                    key = prefix.child(name).key
                    _put(client, source / name, prefix.bucket, key, streamed=streamed)
                    uploaded.append(key)
            except ClientError as error:
                if s3.is_taken(error):
                    taken = "already published (bundles are immutable; train a new version)"
                    raise StorageError(f"{prefix}: {taken}") from None
                raise
    except StorageError:
        for key in uploaded:
            # Best effort: the last file was never written, so readers ignore leftovers
            # (where deletes are refused, as under the model bucket's models/, they stay).
            with contextlib.suppress(ClientError, BotoCoreError):
                client.delete_object(Bucket=prefix.bucket, Key=key)
        raise
    return str(prefix)


def _put(client: S3Client, path: Path, bucket: str, key: str, *, streamed: bool) -> None:
    if streamed:
        # Multipart above 8 MB, read from disk part by part: memory stays flat.
        client.upload_file(str(path), bucket, key)
    else:
        # Bundle files are small (well under S3's 5 GB single-put limit). If-None-Match:
        # S3 refuses to replace an existing object: a published bundle never changes (the
        # model bucket's policy refuses any write without it).
        client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), IfNoneMatch="*")


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
        # HeadBucket's 404 is the bucket's: explained about the bucket alone.
        with s3.translated(S3Location(location.bucket, ""), shown=location):
            s3.s3_client().head_bucket(Bucket=location.bucket)
        return
    for parent in (Path(destination), *Path(destination).parents):
        if parent.exists():
            if not parent.is_dir():
                raise StorageError(f"{destination}: {parent} is a file, not a directory")
            return


class Publication:
    """Files published together at a local directory or S3 prefix, as ``publish_directory``
    does (all or nothing as readers see it, ``last`` written last), some of them streamed.

    Small files are written into ``staging``. ``stream(name)`` is for files of any size: a
    file in ``staging`` locally, and on S3 an upload straight to its final key that stays
    invisible until ``publish()``, so neither memory nor local disk grows with the file.
    """

    def __init__(self, destination: str, staging: Path, last: str) -> None:
        self.destination = destination
        self.staging = staging
        self.last = last
        self._files: list[BinaryIO] = []
        self._uploads: list[multipart.MultipartObject] = []
        self.published = False
        if is_s3(destination):
            self._prefix = S3Location.parse(destination)
            self._client = s3.s3_client()
            self._refuse_if_published()
        elif Path(destination).exists():  # refused now rather than after the work
            raise StorageError(f"{destination}: already exists; refusing to overwrite it")

    def stream(self, name: str) -> BinaryIO:
        if not is_s3(self.destination):
            file = (self.staging / name).open("wb")
        else:
            location = self._prefix.child(name)
            upload = multipart.MultipartObject(self._client, location, multipart.PART_BYTES)
            self._uploads.append(upload)
            file = io.BufferedWriter(upload, buffer_size=1 << 20)
        self._files.append(cast("BinaryIO", file))
        return cast("BinaryIO", file)

    def publish(self) -> str:
        for file in self._files:
            file.close()  # flushes what is buffered; completing is below
        if not is_s3(self.destination):
            published = _publish_local(self.staging, Path(self.destination))
        else:
            try:
                self._refuse_if_published()
                with s3.translated(self._prefix, unreachable="upload failed"):
                    for upload in self._uploads:
                        upload.complete()
                published = _publish_s3(self.staging, self._prefix, self.last, streamed=True)
            except StorageError:
                self.abandon()
                self._delete_completed()
                raise
        self.published = True
        return published

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
        if s3.exists(self._client, self._prefix.child(self.last)):
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
