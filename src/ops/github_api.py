"""GitHub's REST API as the workflows reach it: through ``GITHUB_API_URL`` (which GitHub and
act both set, so a local stand-in can answer), with the job's token, one line per failure."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Final

from churn.errors import DependencyError, UsageError

API_VERSION: Final = "2022-11-28"
PUBLIC_API: Final = "https://api.github.com"
# The claims of every OIDC subject of the repository: "repo:O/R:<context>:ref:<ref>". The
# default subject of a job in an environment leaves the ref out; the AWS roles' trust
# policies (terraform/modules/ci-identity) expect this form.
OIDC_SUBJECT_CLAIMS: Final = ("repo", "context", "ref")
# GITHUB_TOKEN acts as this bot; the retrain's App token as "<app slug>[bot]".
ACTIONS_BOT: Final = "github-actions[bot]"
TIMEOUT_SECONDS: Final = 30
PAGE_SIZE: Final = 100


class GitHubError(DependencyError):
    """A call was refused or failed; one line for the user. ``status``: GitHub's HTTP
    status, None when GitHub was not reached."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class GitHub:
    api_url: str
    token: str
    repository: str  # owner/name

    @classmethod
    def from_environment(cls, repository: str | None = None) -> GitHub:
        """A workflow sets all three; on a laptop the API is github.com's and the
        repository comes from the command line."""
        api_url = os.environ.get("GITHUB_API_URL") or PUBLIC_API
        repository = repository or os.environ.get("GITHUB_REPOSITORY")
        missing = [
            name
            for name, value in (
                ("GH_TOKEN", os.environ.get("GH_TOKEN")),
                ("GITHUB_REPOSITORY", repository),
            )
            if not value
        ]
        if missing:
            raise UsageError(f"{', '.join(missing)} not set (the workflow sets them)")
        assert repository is not None
        return cls(api_url.rstrip("/"), os.environ["GH_TOKEN"], repository)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """``path`` is relative to the repository (empty: the repository itself), or to the
        API when it starts with /."""
        relative = f"/repos/{self.repository}" + (f"/{path}" if path else "")
        url = f"{self.api_url}{path if path.startswith('/') else relative}"
        if not url.startswith(("https://", "http://")):
            raise UsageError(f"GITHUB_API_URL must be an http(s) URL, not {self.api_url!r}")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": API_VERSION,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                content = response.read()
        except urllib.error.HTTPError as error:
            raise GitHubError(
                f"{method} {path}: {error.code} {explain(error)}", status=error.code
            ) from None
        except OSError as error:
            raise GitHubError(f"{method} {path}: GitHub cannot be reached ({error})") from None
        return json.loads(content) if content else None


def explain(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read()).get("message", error.reason))
    except (ValueError, AttributeError):
        return str(error.reason)
