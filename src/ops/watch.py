"""``churn-release watch``: what the approved apply job does once a release is applied to an
environment. The smoke test scores real customers through the public API; when it passes,
the release is live. When it fails, the release that was live before is applied again (its
pointers only: the model and the images by digest) and smoke-tested, and the job fails
naming both. Every step goes into the releases' log.

It runs inside the job the environment's reviewers approved because GitHub asks every job
of a protected environment for approval: a rollback in a job of its own would wait for a
person, which is not a rollback "by itself".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NoReturn

from churn import cli
from churn.errors import ChurnError, RefusedError, context
from churn.ops.releases import Event, EventKind, Release, ReleaseLog, now_text

PROG: Final = "churn-release"


class WatchError(RefusedError):
    """The release failed its smoke test; the line says what was done about it."""


def live_history(log: ReleaseLog, environment: str) -> list[str]:
    """The releases that went live in ``environment``, in order (a release may recur)."""
    return [e.release for e in log.events() if e.environment == environment and e.kind == "live"]


@dataclass
class Watch:
    log: ReleaseLog
    environment: str
    smoke: Callable[[Release], None]  # raises a ChurnError when an answer is wrong
    move_to: Callable[[Release], None]  # applies a release's pointers
    run: str = ""
    say: Callable[[str], None] = field(default_factory=lambda: cli.progress(PROG))

    def record(self, release: Release, *kinds: EventKind, detail: str = "") -> None:
        for kind in kinds:
            self.log.add(Event(release.id, self.environment, kind, now_text(), self.run, detail))

    def __call__(self, release: Release, *, rollback: bool = False) -> str:
        """Smoke-test ``release`` (just applied); on failure go back to the release live
        before it. ``rollback``: ``release`` is a rollback's target, so the one it replaces
        is recorded as rolled back."""
        history = live_history(self.log, self.environment)
        before = next((r for r in reversed(history) if r != release.id), None)
        try:
            self.smoke(release)
        except ChurnError as error:
            failed = cli.one_line(str(error))
            self.record(release, "deployed", "smoke-failed", detail=failed)
            self.go_back(release, before, failed)
        self.record(release, "deployed", "smoke-passed", "live")
        if rollback and before is not None:
            self.record(self.log.read(before), "rolled-back", detail=f"replaced by {release.id}")
        return f"release {release.id} is live in {self.environment}"

    def go_back(self, release: Release, before: str | None, failed: str) -> NoReturn:
        where = f"release {release.id} failed its smoke test in {self.environment} ({failed})"
        if before is None:
            raise WatchError(f"{where}; no release was live there before it to go back to")
        previous = self.log.read(before)
        self.say(f"{where}; rolling back to {previous.id}")
        with context(f"{where}; rolling back to {previous.id} failed"):
            self.move_to(previous)
        try:
            self.smoke(previous)
        except ChurnError as again:
            self.record(previous, "smoke-failed", detail=cli.one_line(str(again)))
            raise WatchError(
                f"{where}; rolled back to {previous.id}, which failed its smoke test too "
                f"({cli.one_line(str(again))})"
            ) from None
        self.record(previous, "smoke-passed", "live", detail=f"rolled back from {release.id}")
        self.record(release, "rolled-back", detail=f"smoke test failed: {failed}")
        raise WatchError(f"{where}; rolled back to {previous.id}, which passed its smoke test")
