"""An S3 object written front to back as it is produced, in parts, visible only when
completed: what lets a scoring run stream files of any size without memory or disk."""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from churn.storage.errors import StorageError
from churn.storage.locations import S3Location
from churn.storage.s3 import translated

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

PART_BYTES: Final = 16 << 20
"""One part of a streamed S3 object: S3 wants at least 5 MiB in every part but the last and
at most ``MAX_PARTS`` parts, so a streamed object can reach 160 GiB (about 1.7 billion
scored customers)."""
MAX_PARTS: Final = 10_000


class MultipartObject(io.RawIOBase):
    """A multipart upload, started once a whole part is waiting, each part sent on a second
    thread while the next fills. Nothing is visible until ``complete()``; ``abort()`` drops
    what was sent (and the bucket's rule aborts uploads a killed process left behind).
    Memory: two parts at most."""

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
        # Raised through whatever writes to this file (Arrow's CSV writer): one line.
        with translated(self.location, unreachable="upload failed"):
            if self._upload_id is None:
                started = self._client.create_multipart_upload(
                    Bucket=self.location.bucket, Key=self.location.key
                )
                self._upload_id = started["UploadId"]
            self._wait_for_previous()
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
