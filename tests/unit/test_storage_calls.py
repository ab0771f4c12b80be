"""The S3 calls storage makes, in order and with their arguments, recorded by a stand-in
client in this process: what the moto tests (tests/integration/test_storage.py) cannot see,
such as a part's number, which uploads a failed publication deletes, and an answer S3 gives
rarely (a refusal without an error document, a connection lost mid-upload)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from churn import storage
from churn.errors import ExitCode
from churn.storage import multipart, s3
from churn.storage.locations import S3Location

LOST = EndpointConnectionError(endpoint_url="https://s3.example")
NO_DOCUMENT = ClientError({}, "HeadObject")  # an answer whose body botocore could not parse


def refused(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": ""}}, "S3")


class RecordingS3:
    """Answers what storage asks of S3 as S3 would, records each call, and raises what a
    test put in ``failures`` (operation -> exception) instead of answering."""

    def __init__(self, **failures: BaseException) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures = failures
        self.threads: list[str] = []

    def _called(self, operation: str, arguments: dict[str, Any]) -> None:
        self.calls.append((operation, arguments))
        self.threads.append(threading.current_thread().name)
        if failure := self.failures.get(operation):
            raise failure

    def head_object(self, **arguments: Any) -> dict[str, Any]:
        self._called("head_object", arguments)
        raise refused("404")  # nothing is published yet

    def put_object(self, **arguments: Any) -> dict[str, Any]:
        self._called("put_object", arguments)
        return {}

    def create_multipart_upload(self, **arguments: Any) -> dict[str, Any]:
        self._called("create_multipart_upload", arguments)
        return {"UploadId": f"upload-of-{arguments['Key']}"}

    def upload_part(self, **arguments: Any) -> dict[str, Any]:
        self._called("upload_part", arguments)
        return {"ETag": f"etag-{arguments['PartNumber']}"}

    def complete_multipart_upload(self, **arguments: Any) -> dict[str, Any]:
        self._called("complete_multipart_upload", arguments)
        return {}

    def abort_multipart_upload(self, **arguments: Any) -> dict[str, Any]:
        self._called("abort_multipart_upload", arguments)
        return {}

    def upload_file(self, filename: str, bucket: str, key: str) -> None:
        self._called("upload_file", {"Bucket": bucket, "Key": key})

    def delete_object(self, **arguments: Any) -> dict[str, Any]:
        self._called("delete_object", arguments)
        return {}

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.calls]


def streamed(client: RecordingS3, part_bytes: int = 4) -> multipart.MultipartObject:
    location = S3Location("b", "run/scores.csv")
    return multipart.MultipartObject(client, location, part_bytes)  # type: ignore[arg-type]


# ------------------------------------------------------------------------ one object


def test_less_than_a_part_is_one_plain_write() -> None:
    client = RecordingS3()
    upload = streamed(client)
    upload.write(b"abc")
    upload.complete()
    assert client.calls == [
        ("put_object", {"Bucket": "b", "Key": "run/scores.csv", "Body": b"abc"})
    ]
    assert upload.completed


def test_a_whole_part_starts_the_upload_at_once_and_parts_are_numbered_from_one() -> None:
    client = RecordingS3()
    upload = streamed(client)
    upload.write(b"abcd")
    assert client.operations() == ["create_multipart_upload", "upload_part"]
    upload.write(b"efghi")
    upload.complete()
    sent = [(a["PartNumber"], a["Body"]) for o, a in client.calls if o == "upload_part"]
    assert sent == [(1, b"abcd"), (2, b"efgh"), (3, b"i")]
    assert client.calls[-1] == (
        "complete_multipart_upload",
        {
            "Bucket": "b",
            "Key": "run/scores.csv",
            "UploadId": "upload-of-run/scores.csv",
            "MultipartUpload": {
                "Parts": [{"PartNumber": n, "ETag": f"etag-{n}"} for n in (1, 2, 3)]
            },
        },
    )
    # Parts go up on the object's own thread, named after it (what a stack dump shows).
    assert {client.threads[i] for i, o in enumerate(client.operations()) if o == "upload_part"} == {
        "upload-run/scores.csv_0"
    }


@pytest.mark.parametrize(("written", "allowed"), [(b"abcde", True), (b"abcdefghi", False)])
def test_the_part_limit_holds_to_the_last_part(
    monkeypatch: pytest.MonkeyPatch, written: bytes, allowed: bool
) -> None:
    monkeypatch.setattr(multipart, "MAX_PARTS", 2)  # 10,000 in S3
    upload = streamed(RecordingS3())
    upload.write(written)  # two parts of four bytes and one byte, or three
    if allowed:
        upload.complete()
        return
    with pytest.raises(storage.StorageError, match=r"^s3://b/run/scores.csv: over S3's 2 parts"):
        upload.complete()


def test_a_connection_lost_mid_upload_is_one_line_naming_the_object() -> None:
    upload = streamed(RecordingS3(upload_part=LOST))
    upload.write(b"abcd")  # the part fails on the second thread; the next send sees it
    with pytest.raises(storage.StorageError) as raised:
        upload.write(b"efgh")
    assert str(raised.value) == (
        "s3://b/run/scores.csv: upload failed (Could not connect to the endpoint URL: "
        '"https://s3.example")'
    )
    assert raised.value.exit_code == ExitCode.DEPENDENCY


@pytest.mark.parametrize("failure", [None, refused("NoSuchUpload"), LOST])
def test_an_aborted_upload_is_dropped_and_takes_no_more_writes(failure: Exception | None) -> None:
    client = RecordingS3(**({"abort_multipart_upload": failure} if failure else {}))
    upload = streamed(client)
    upload.write(b"abcd")
    upload.abort()  # a refused or lost abort is left to the bucket's rule: never raised
    assert client.calls[-1] == (
        "abort_multipart_upload",
        {"Bucket": "b", "Key": "run/scores.csv", "UploadId": "upload-of-run/scores.csv"},
    )
    assert upload.write(b"efghijkl") == 8  # the buffered file above still flushes into it
    assert client.operations() == [
        "create_multipart_upload",
        "upload_part",
        "abort_multipart_upload",
    ]


# ---------------------------------------------------------------------- publication


def publication_with(client: RecordingS3, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(s3, "s3_client", lambda: client)
    monkeypatch.setattr(multipart, "PART_BYTES", 4)
    return storage.publication("s3://b/run", last="summary.json", prefix="t-")


def test_a_publication_writes_its_last_file_last_whatever_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = RecordingS3()
    monkeypatch.setattr(s3, "s3_client", lambda: client)
    with storage.publication("s3://b/run", last="a-summary.json", prefix="t-") as run:
        for name in ("a-summary.json", "m.json", "z.json"):
            (run.staging / name).write_text("{}")
        before = run.published
        assert run.publish() == "s3://b/run"
        assert (before, run.published) == (False, True)
    # Staged files may be of any size: upload_file, which goes multipart above 8 MB.
    uploads = [(o, a["Key"]) for o, a in client.calls if o not in ("head_object",)]
    assert uploads == [
        ("upload_file", "run/m.json"),
        ("upload_file", "run/z.json"),
        ("upload_file", "run/a-summary.json"),
    ]


@pytest.mark.parametrize("cleanup", [None, refused("AccessDenied"), LOST])
def test_a_failed_publication_deletes_only_what_it_completed(
    monkeypatch: pytest.MonkeyPatch, cleanup: Exception | None
) -> None:
    client = RecordingS3(**({"delete_object": cleanup} if cleanup else {}))
    with (
        pytest.raises(storage.StorageError) as raised,
        publication_with(client, monkeypatch) as run,
    ):
        run.stream("first.csv").write(b"abcdef")  # two parts once publish() flushes it
        run.stream("second.csv").write(b"ab")
        client.failures["put_object"] = LOST  # the second, smaller than a part, fails
        run.publish()
    assert str(raised.value).startswith("s3://b/run: upload failed (Could not connect")
    # The completed first object is deleted (whatever the delete answers: the error is the
    # upload's); the second never existed, and no completed upload is aborted.
    assert [
        (o, a["Key"]) for o, a in client.calls if o in ("delete_object", "abort_multipart_upload")
    ] == [("delete_object", "run/first.csv")]
    assert client.calls[-1][1] == {"Bucket": "b", "Key": "run/first.csv"}


# ------------------------------------------------------------------- S3's refusals


def test_a_refusal_without_an_error_document_is_s3s_and_said_plainly() -> None:
    failure, said = s3.refusal(NO_DOCUMENT, S3Location("b", "k"))
    assert (failure, said) == (storage.StorageUnavailableError, "S3 said")
    assert not s3.is_taken(NO_DOCUMENT)


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (refused("404"), False),
        (refused("NoSuchKey"), False),  # what an S3-compatible store may say to a HEAD
        (refused("AccessDenied"), "s3://b/k.json: access denied (check the credentials"),
        (NO_DOCUMENT, "s3://b/k.json: S3 said"),
    ],
)
def test_whether_an_object_exists_or_why_s3_would_not_say(
    answer: ClientError, outcome: bool | str
) -> None:
    client = RecordingS3(head_object=answer)
    location = S3Location("b", "k.json")
    if isinstance(outcome, bool):
        assert s3.exists(client, location) is outcome  # type: ignore[arg-type]
        return
    with pytest.raises(storage.StorageError) as raised:
        s3.exists(client, location)  # type: ignore[arg-type]
    assert str(raised.value).startswith(outcome)
