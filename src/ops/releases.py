"""Release records: what a deploy of one main commit is, written once, and the log of where
each release ran and how it fared.

A release is built once, when main's images are in ECR and its bundle is published:

    s3://<model bucket>/releases/<id>/release.json

names the git SHA, every image by digest, the bundle's URI and its manifest's SHA-256, the
time, and what was verified before it was written. Nothing after it builds, trains or
looks up "the latest" anything: staging, production and a rollback all deploy the record.

What happens to a release later is an event, a write-once object beside the record:

    s3://<model bucket>/releases/<id>/events/<time>-<environment>-<kind>.json

Both are written with ``If-None-Match: *`` and the bucket's policy refuses any other write
and every delete under ``releases/`` (terraform/modules/private-bucket), so the log is
append-only: a re-run job cannot rewrite a verdict, and production's gate reads a record
that staging's smoke test wrote, not a job output.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from botocore.exceptions import BotoCoreError, ClientError

from churn import artifacts, storage
from churn.errors import DependencyError, RefusedError
from churn.ops import push_images

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX: Final = "releases/"
RECORD: Final = "release.json"
SCHEMA_VERSION: Final = 1
# UTC time first, so ids sort by age; then the commit, so a person can read one.
ID_PATTERN: Final = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{7}$")
DIGEST_PATTERN: Final = re.compile(r"^sha256:[0-9a-f]{64}$")
SHA_PATTERN: Final = re.compile(r"^[0-9a-f]{40}$")
ENVIRONMENT_PATTERN: Final = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
AT_PATTERN: Final = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$")  # now_text()
# The images a release carries, by their ECR repositories' suffixes: every image built.
IMAGES: Final = tuple(push_images.IMAGES)

# deployed: applied to an environment. smoke-passed / smoke-failed: the smoke test's
# verdict there. live: serving there, verified (after a passed smoke test, or as the
# target of a rollback that passed its own). rolled-back: taken out of service there.
EventKind = Literal["deployed", "smoke-passed", "smoke-failed", "live", "rolled-back"]
EVENT_KINDS: Final = frozenset(get_args(EventKind))


class ReleaseError(RefusedError):
    """A record or an event is missing, malformed or refused; one line for the user."""


class ReleaseStoreError(DependencyError):
    """S3 could not be read or written."""


@dataclass(frozen=True)
class Image:
    repository: str  # <account>.dkr.ecr.<region>.amazonaws.com/<prefix><name>
    digest: str  # sha256:<64 hex>

    @property
    def reference(self) -> str:
        return f"{self.repository}@{self.digest}"


@dataclass(frozen=True)
class Bundle:
    uri: str  # s3://<bucket>/models/<version>/
    version: str
    manifest_sha256: str


@dataclass(frozen=True)
class Release:
    id: str
    git_sha: str
    created_at: str
    images: dict[str, Image]
    bundle: Bundle
    verified: list[str] = field(default_factory=list)
    # SHA-256 of what the Terraform checks read (churn.ops.checked_inputs); "" in a record
    # written before releases carried it.
    checked_inputs: str = ""
    schema_version: int = SCHEMA_VERSION

    def document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, document: Any) -> Release:
        """The record, checked: a malformed one is refused, never half-read."""
        try:
            images = {name: Image(**document["images"][name]) for name in IMAGES}
            release = cls(
                id=str(document["id"]),
                git_sha=str(document["git_sha"]),
                created_at=str(document["created_at"]),
                images=images,
                bundle=Bundle(**document["bundle"]),
                verified=[str(v) for v in document.get("verified", [])],
                checked_inputs=str(document.get("checked_inputs", "")),
                schema_version=int(document["schema_version"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ReleaseError(f"not a release record ({type(error).__name__}: {error})") from None
        release.check()
        return release

    def check(self) -> None:
        fields = {
            f"id {self.id!r}": ID_PATTERN.match(self.id),
            f"git_sha {self.git_sha!r}": SHA_PATTERN.match(self.git_sha),
            f"bundle version {self.bundle.version!r}": artifacts.VERSION_PATTERN.match(
                self.bundle.version
            ),
            f"manifest_sha256 {self.bundle.manifest_sha256!r}": re.fullmatch(
                r"[0-9a-f]{64}", self.bundle.manifest_sha256
            ),
            f"checked_inputs {self.checked_inputs!r}": re.fullmatch(
                r"([0-9a-f]{64})?", self.checked_inputs
            ),
            f"schema_version {self.schema_version}": self.schema_version == SCHEMA_VERSION,
        } | {
            f"{name} digest {image.digest!r}": DIGEST_PATTERN.match(image.digest)
            for name, image in self.images.items()
        }
        problems = [label for label, good in fields.items() if not good]
        if problems:
            raise ReleaseError(f"release record {self.id!r} is malformed: {', '.join(problems)}")


@dataclass(frozen=True)
class Event:
    release: str
    environment: str
    kind: EventKind
    at: str
    run: str = ""  # the workflow run that saw it (a URL), when there is one
    detail: str = ""

    @property
    def name(self) -> str:
        """Sorts by time (to the microsecond, so a quick rollback is another event)."""
        stamp = self.at.replace("-", "").replace(":", "").replace("+0000", "Z")
        return f"{stamp}-{self.environment}-{self.kind}.json"


def new_id(git_sha: str, now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{git_sha[:7]}"


def now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


def checked_environment(environment: str) -> str:
    if not ENVIRONMENT_PATTERN.match(environment):
        raise ReleaseError(f"{environment!r} is not an environment name (lowercase, e.g. staging)")
    return environment


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class ReleaseLog:
    """The records and events under ``releases/`` of one bucket."""

    bucket: str
    client: S3Client

    def _put_once(self, key: str, document: dict[str, Any]) -> bool:
        """Write ``key`` unless it exists; whether it was written."""
        body = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType="application/json",
                IfNoneMatch="*",
            )
        except ClientError as error:
            if storage.s3.is_taken(error):
                return False
            raise ReleaseStoreError(f"s3://{self.bucket}/{key}: {error}") from None
        except BotoCoreError as error:
            raise ReleaseStoreError(f"s3://{self.bucket}/{key}: {error}") from None
        return True

    def _keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.bucket, Prefix=prefix):
                keys += [item["Key"] for item in page.get("Contents", [])]
        except (ClientError, BotoCoreError) as error:
            raise ReleaseStoreError(f"s3://{self.bucket}/{prefix}: {error}") from None
        return sorted(keys)

    def _get(self, key: str) -> Any:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise ReleaseError(f"s3://{self.bucket}/{key} does not exist") from None
        except (ClientError, BotoCoreError) as error:
            raise ReleaseStoreError(f"s3://{self.bucket}/{key}: {error}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise ReleaseError(f"s3://{self.bucket}/{key} is not JSON") from None

    def record_key(self, release_id: str) -> str:
        if not ID_PATTERN.match(release_id):
            raise ReleaseError(
                f"{release_id!r} is not a release id (e.g. 20261206T180000Z-1a0f6bb)"
            )
        return f"{PREFIX}{release_id}/{RECORD}"

    # -- records -------------------------------------------------------------------------

    def write(self, release: Release) -> bool:
        """Write the record once; False when a record with this id exists already."""
        release.check()
        return self._put_once(self.record_key(release.id), release.document())

    def read(self, release_id: str) -> Release:
        return Release.from_document(self._get(self.record_key(release_id)))

    def ids(self) -> list[str]:
        """Every release id, oldest first."""
        suffix = f"/{RECORD}"
        return [
            key.removeprefix(PREFIX).removesuffix(suffix)
            for key in self._keys(PREFIX)
            if key.endswith(suffix) and key.count("/") == 2
        ]

    def find(self, git_sha: str, images: dict[str, Image], bundle: Bundle) -> Release | None:
        """The newest record of exactly this commit, images and bundle (a re-run's)."""
        for release_id in reversed(self.ids()):
            if release_id.endswith(git_sha[:7]):
                release = self.read(release_id)
                same = (release.git_sha, release.images, release.bundle)
                if same == (git_sha, images, bundle):
                    return release
        return None

    # -- events --------------------------------------------------------------------------

    def add(self, event: Event) -> None:
        if event.kind not in EVENT_KINDS:
            raise ReleaseError(f"{event.kind!r} is not an event ({', '.join(sorted(EVENT_KINDS))})")
        checked_environment(event.environment)
        self.read(event.release)  # an event of a release that does not exist is refused
        key = f"{PREFIX}{event.release}/events/{event.name}"
        if not self._put_once(key, asdict(event)):
            raise ReleaseError(f"s3://{self.bucket}/{key} exists: events are written once")

    def events(self, release_ids: Iterable[str] | None = None) -> list[Event]:
        """Events of the given releases (every release's by default), oldest first."""
        wanted = None if release_ids is None else set(release_ids)
        found = []
        for key in self._keys(PREFIX):
            parts = key.split("/")
            if len(parts) == 4 and parts[2] == "events" and (wanted is None or parts[1] in wanted):
                found.append(self._event(key, parts[1], parts[3]))
        return sorted(found, key=lambda e: (e.at, e.name))

    def _event(self, key: str, release_id: str, name: str) -> Event:
        """An event, refused unless its key says what it says: each environment's deploy
        role may write only keys naming its environment (terraform/modules/ci-identity),
        so a document claiming another environment's verdict is a forgery."""
        try:
            event = Event(**self._get(key))
        except TypeError:
            raise ReleaseError(f"s3://{self.bucket}/{key} is not a release event") from None
        if not AT_PATTERN.match(event.at) or (event.release, event.name) != (release_id, name):
            raise ReleaseError(f"s3://{self.bucket}/{key} does not say what its key says")
        return event
