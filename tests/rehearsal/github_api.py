"""A local stand-in for the few GitHub REST endpoints the workflows call.

GitHub answers these from the repository and its pull requests; this server answers them
from a real bare git repository and in-memory comments and pull requests, enforcing the
rules a first real run would meet:

- ``GITHUB_TOKEN`` (the workflows' own token, acting as ``github-actions[bot]``) may
  comment but may not create pull requests (the repository setting that would allow it is
  off by default), and a pull request it opened would start no workflow;
- a GitHub App installation token is issued only for a JWT signed with the App's private
  key (RS256), and acts as ``<app>[bot]``; its pull requests do start workflows;
- the contents API refuses a write whose ``sha`` is not the file's current blob;
- only the repository's administrator may set the OIDC subject template and the deploy
  environment's branch policy; the tokens the jobs get are refused with 403;
- a job's OIDC token (what the credentials stand-in asks for, as a job asks
  ``ACTIONS_ID_TOKEN_REQUEST_URL``) carries the subject GitHub would put in it under the
  repository's template, and none is issued to a job whose environment does not accept its
  branch (GitHub would not have started that job).
"""

from __future__ import annotations

import base64
import fnmatch
import http.server
import json
import os
import re
import secrets
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.support.servers import LOOPBACK, send_json, serve_http

ACTIONS_BOT: Final = "github-actions[bot]"
ADMINISTRATOR: Final = "fork-owner"  # the repository's owner, who runs the one-time setup
USER_IDS: Final = {ADMINISTRATOR: 583231}
APP_SLUG: Final = "churn-retrain"
APP_CLIENT_ID: Final = "Iv23liRehearsal"
INSTALLATION_ID: Final = 4242


class RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_app_jwt(private_key_pem: str, client_id: str, now: float | None = None) -> str:
    """The JWT a GitHub App signs to ask for an installation token (RS256, iss = client id)."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    issued = int(now if now is not None else time.time()) - 60
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"iat": issued, "exp": issued + 600, "iss": client_id}).encode())
    signature = key.sign(f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{claims}.{b64url(signature)}"


@dataclass
class GitHubState:
    repository: str  # owner/name
    origin: Path  # a bare repository: what GitHub holds
    actions_token: str
    app_public_key: rsa.RSAPublicKey
    tokens: dict[str, str] = field(default_factory=dict)  # token -> login
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, login
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 1000
    administrator_token: str = field(default_factory=lambda: f"ghp_{secrets.token_hex(18)}")
    subject_template: dict[str, Any] = field(default_factory=lambda: {"use_default": True})
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    has_issues: bool = True  # a fork's start is False (GitHub turns Issues off in forks)
    # Workflows a fork has enabled; GitHub starts a fork's scheduled workflows disabled.
    enabled_workflows: set[str] = field(default_factory=set)
    deployments: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens[self.actions_token] = ACTIONS_BOT
        self.tokens[self.administrator_token] = ADMINISTRATOR

    # -- the administrator's settings ---------------------------------------------------

    def administer(self, login: str) -> None:
        if login != ADMINISTRATOR:
            raise RefusedError(403, "Resource not accessible by integration")

    def set_subject_template(self, body: dict[str, Any]) -> None:
        keys = body.get("include_claim_keys")
        if not isinstance(body.get("use_default"), bool) or (
            keys is not None and not all(re.fullmatch(r"\w+", str(k)) for k in keys)
        ):
            raise RefusedError(422, "Invalid request: use_default is required")
        self.subject_template = {"use_default": body["use_default"], "include_claim_keys": keys}

    def set_environment(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        known = set(USER_IDS.values())
        reviewers = body.get("reviewers") or []
        if any(r.get("type") != "User" or r.get("id") not in known for r in reviewers):
            raise RefusedError(422, "Reviewers must be users of the repository")
        environment = self.environments.setdefault(name, {"policies": {}})
        environment["reviewers"] = reviewers
        environment["branch_policy"] = body.get("deployment_branch_policy")
        return {"name": name, "protection_rules": reviewers}

    def branch_policies(self, environment: str) -> dict[str, dict[str, Any]]:
        if environment not in self.environments:
            raise RefusedError(404, "Not Found")
        policies: dict[str, dict[str, Any]] = self.environments[environment]["policies"]
        return policies

    def add_branch_policy(self, environment: str, body: dict[str, Any]) -> dict[str, Any]:
        policy = {
            "id": self.new_id(),
            "name": str(body["name"]),
            "type": body.get("type", "branch"),
        }
        self.branch_policies(environment)[str(policy["id"])] = policy
        return policy

    # -- OIDC tokens --------------------------------------------------------------------

    def oidc_subject(self, body: dict[str, Any]) -> dict[str, str]:
        """The ``sub`` of a job's token under the repository's template (GitHub's docs:
        "Example subject claims" and "Customizing the subject claims")."""
        event, ref, environment = str(body["event"]), str(body["ref"]), body.get("environment")
        if environment:
            self.check_deployment_branch(str(environment), ref)
            context = f"environment:{environment}"
        elif event in ("pull_request", "pull_request_target"):
            context = "pull_request"
        else:
            context = f"ref:{ref}"
        claims = {"repo": self.repository, "context": context, "ref": ref}
        if self.subject_template.get("use_default"):
            return {"sub": f"repo:{self.repository}:{context}"}
        keys = self.subject_template.get("include_claim_keys") or ["repo", "context"]
        if any(key not in claims for key in keys):
            raise RefusedError(422, f"the stand-in has no value for the claims {keys}")
        return {"sub": ":".join(claims[k] if k == "context" else f"{k}:{claims[k]}" for k in keys)}

    def check_deployment_branch(self, environment: str, ref: str) -> None:
        settings = self.environments.get(environment, {})
        if not (settings.get("branch_policy") or {}).get("custom_branch_policies"):
            return
        branch = ref.removeprefix("refs/heads/")
        allowed = [p["name"] for p in settings["policies"].values() if p["type"] == "branch"]
        if not ref.startswith("refs/heads/") or not any(
            fnmatch.fnmatchcase(branch, pattern) for pattern in allowed
        ):
            raise RefusedError(
                403,
                f"Branch {branch} is not allowed to deploy to {environment} due to "
                "environment protection rules.",
            )

    # -- identity -----------------------------------------------------------------------

    def login(self, authorization: str | None) -> str:
        token = (authorization or "").removeprefix("Bearer ").removeprefix("token ").strip()
        if token not in self.tokens:
            raise RefusedError(401, "Bad credentials")
        return self.tokens[token]

    def verify_app_jwt(self, authorization: str | None) -> None:
        jwt = (authorization or "").removeprefix("Bearer ").strip()
        try:
            header, claims, signature = jwt.split(".")
            self.app_public_key.verify(
                unb64url(signature),
                f"{header}.{claims}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
            payload = json.loads(unb64url(claims))
        except (ValueError, InvalidSignature):
            raise RefusedError(401, "A JSON web token could not be decoded") from None
        if payload.get("iss") != APP_CLIENT_ID or payload.get("exp", 0) < time.time():
            raise RefusedError(401, "the JWT's issuer is not the App's client id, or it expired")

    def installation_token(self, authorization: str | None) -> dict[str, Any]:
        self.verify_app_jwt(authorization)
        token = f"ghs_{secrets.token_hex(18)}"
        self.tokens[token] = f"{APP_SLUG}[bot]"
        return {"token": token, "expires_at": "2099-01-01T00:00:00Z"}

    def made_by_app(self, login: str) -> bool:
        return login == f"{APP_SLUG}[bot]"

    # -- git ----------------------------------------------------------------------------

    def git(self, *arguments: str, env: dict[str, str] | None = None, stdin: bytes = b"") -> str:
        finished = subprocess.run(
            ["git", "--git-dir", str(self.origin), *arguments],
            input=stdin,
            capture_output=True,
            check=False,
            env=os.environ | (env or {}),
        )
        if finished.returncode != 0:
            raise RefusedError(422, finished.stderr.decode().strip() or "git failed")
        return finished.stdout.decode().strip()

    def head(self, branch: str) -> str:
        try:
            return self.git("rev-parse", "--verify", f"refs/heads/{branch}^{{commit}}")
        except RefusedError:
            raise RefusedError(404, f"Branch not found: {branch}") from None

    def create_ref(self, ref: str, sha: str) -> dict[str, Any]:
        if not ref.startswith("refs/heads/"):
            raise RefusedError(422, f"{ref} is not a valid ref name")
        if (
            subprocess.run(
                ["git", "--git-dir", str(self.origin), "rev-parse", "--verify", "-q", ref],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        ):
            raise RefusedError(422, "Reference already exists")
        self.git("update-ref", ref, sha, "0" * 40)
        return {"ref": ref, "object": {"sha": sha, "type": "commit"}}

    def update_ref(self, branch: str, body: dict[str, Any]) -> dict[str, Any]:
        """GitHub's "Update a reference": only a fast-forward unless ``force``."""
        current, sha = self.head(branch), str(body["sha"])
        forward = subprocess.run(
            ["git", "--git-dir", str(self.origin), "merge-base", "--is-ancestor", current, sha],
            capture_output=True,
            check=False,
        )
        if forward.returncode != 0 and not body.get("force"):
            raise RefusedError(422, "Update is not a fast forward")
        self.git("update-ref", f"refs/heads/{branch}", sha, current)
        return {"ref": f"refs/heads/{branch}", "object": {"sha": sha, "type": "commit"}}

    def put_contents(self, path: str, body: dict[str, Any], login: str) -> dict[str, Any]:
        branch = str(body["branch"])
        parent = self.head(branch)
        try:
            current = self.git("rev-parse", f"{parent}:{path}")
        except RefusedError:
            current = None
        if current != body.get("sha"):
            raise RefusedError(409, f"{path} does not match {body.get('sha')}")
        blob = self.git("hash-object", "-w", "--stdin", stdin=base64.b64decode(body["content"]))
        with tempfile.TemporaryDirectory() as scratch:
            index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            self.git("read-tree", parent, env=index)
            self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
            tree = self.git("write-tree", env=index)
        who = {
            "GIT_AUTHOR_NAME": login,
            "GIT_AUTHOR_EMAIL": f"{login}@users.noreply.github.com",
            "GIT_COMMITTER_NAME": "GitHub",
            "GIT_COMMITTER_EMAIL": "noreply@github.com",
        }
        commit = self.git("commit-tree", tree, "-p", parent, "-m", str(body["message"]), env=who)
        self.git("update-ref", f"refs/heads/{branch}", commit, parent)
        return {"content": {"path": path, "sha": blob}, "commit": {"sha": commit}}

    # -- issues and pulls ---------------------------------------------------------------

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def new_number(self) -> int:
        """Issues and pull requests share one sequence of numbers, as on GitHub."""
        return len(self.pulls) + len(self.issues) + 1

    def create_issue(self, body: dict[str, Any], login: str) -> dict[str, Any]:
        if not self.has_issues:
            raise RefusedError(410, "Issues are disabled for this repo")
        if not str(body.get("title", "")).strip():
            raise RefusedError(422, "Validation Failed: title is missing")
        number = self.new_number()
        issue = {
            "number": number,
            "title": body["title"],
            "body": body.get("body", ""),
            "labels": [{"name": label} for label in body.get("labels", [])],
            "state": "open",
            "user": {"login": login},
        }
        self.issues[number] = issue
        return issue

    def edit_issue(self, number: int, body: dict[str, Any]) -> dict[str, Any]:
        issue = self.issues.get(number)
        if issue is None:
            raise RefusedError(404, "Not Found")
        issue.update({key: body[key] for key in ("title", "body", "state") if key in body})
        return issue

    def create_pull(self, body: dict[str, Any], login: str) -> dict[str, Any]:
        if login == ACTIONS_BOT:
            raise RefusedError(
                403, "GitHub Actions is not permitted to create or approve pull requests."
            )
        head, base = str(body["head"]), str(body["base"])
        self.head(head), self.head(base)  # both branches must exist
        number = self.new_number()
        pull = {
            "number": number,
            "title": body["title"],
            "body": body.get("body", ""),
            "head": {"ref": head, "sha": self.head(head)},
            "base": {"ref": base},
            "state": "open",
            "user": {"login": login},
            "html_url": f"https://github.com/{self.repository}/pull/{number}",
            # GitHub starts workflows for this pull request only if an App opened it.
            "starts_workflows": self.made_by_app(login),
        }
        self.pulls[number] = pull
        return pull

    def list_pulls(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        """GitHub's "List pull requests", filtered by head (``owner:branch``), base, state."""
        owner = self.repository.split("/")[0]
        wanted = {key: values[0] for key, values in query.items() if key in ("head", "base")}
        state = query.get("state", ["open"])[0]
        return [
            pull
            for pull in self.pulls.values()
            if state in ("all", pull["state"])
            and wanted.get("head", f"{owner}:{pull['head']['ref']}")
            == f"{owner}:{pull['head']['ref']}"
            and wanted.get("base", pull["base"]["ref"]) == pull["base"]["ref"]
        ]

    def edit_pull(self, number: int, body: dict[str, Any]) -> dict[str, Any]:
        pull = self.pulls.get(number)
        if pull is None:
            raise RefusedError(404, "Not Found")
        pull.update({key: body[key] for key in ("title", "body", "state") if key in body})
        return pull

    def create_deployment(self, body: dict[str, Any], login: str) -> dict[str, Any]:
        """GitHub's "Create a deployment": the ref must name a commit; an omitted
        required_contexts would wait for every status check (none here), auto_merge would
        merge the default branch into the ref: the callers turn both off."""
        try:
            sha = self.git("rev-parse", "--verify", f"{body['ref']}^{{commit}}")
        except RefusedError:
            raise RefusedError(422, f"No ref found for: {body['ref']}") from None
        if body.get("auto_merge", True) or body.get("required_contexts") is None:
            raise RefusedError(409, "the stand-in expects auto_merge false and no contexts")
        deployment = {
            "id": self.new_id(),
            "sha": sha,
            "ref": body["ref"],
            "environment": body.get("environment", "production"),
            "description": body.get("description", ""),
            "creator": {"login": login},
            "statuses": [],
        }
        self.deployments[deployment["id"]] = deployment
        return deployment

    def add_deployment_status(self, deployment_id: int, body: dict[str, Any]) -> dict[str, Any]:
        states = {"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}
        if deployment_id not in self.deployments:
            raise RefusedError(404, "Not Found")
        if body.get("state") not in states:
            raise RefusedError(422, f"state must be one of {sorted(states)}")
        status = {
            "id": self.new_id(),
            "state": body["state"],
            "description": body.get("description", ""),
        }
        self.deployments[deployment_id]["statuses"].append(status)
        return status

    def add_comment(self, number: int, body: str, login: str) -> dict[str, Any]:
        if number not in self.pulls:
            raise RefusedError(404, "Not Found")
        comment_id = self.new_id()
        comment = {"id": comment_id, "issue": number, "body": body, "user": {"login": login}}
        self.comments[comment_id] = comment
        return comment

    def edit_comment(self, comment_id: int, body: str, login: str) -> dict[str, Any]:
        comment = self.comments.get(comment_id)
        if comment is None:
            raise RefusedError(404, "Not Found")
        if comment["user"]["login"] != login:
            raise RefusedError(403, "Resource not accessible by integration")
        comment["body"] = body
        return comment

    # -- routing ------------------------------------------------------------------------

    def route_settings(
        self, method: str, resource: str, body: dict[str, Any], login: str
    ) -> dict[str, Any] | None:
        """The administrator's endpoints; None when ``resource`` is not one of them."""
        policies = re.fullmatch(
            r"environments/([^/]+)/deployment-branch-policies(?:/(\d+))?", resource
        )
        environment = re.fullmatch(r"environments/([^/]+)", resource)
        if resource == "" and method == "PATCH":  # "Update a repository"
            self.administer(login)
            self.has_issues = bool(body.get("has_issues", self.has_issues))
            return {"answer": {"full_name": self.repository, "has_issues": self.has_issues}}
        if method == "PUT" and (
            workflow := re.fullmatch(r"actions/workflows/([^/]+)/enable", resource)
        ):
            self.administer(login)
            self.enabled_workflows.add(workflow.group(1))
            return {"answer": None}
        if resource == "actions/oidc/customization/sub":
            if method == "GET":
                return {"answer": self.subject_template}
            self.administer(login)
            self.set_subject_template(body)
            return {"answer": {}}
        if environment and method == "PUT":
            self.administer(login)
            return {"answer": self.set_environment(environment.group(1), body)}
        if not policies:
            return None
        self.administer(login)
        known = self.branch_policies(policies.group(1))
        if method == "GET":
            listed = list(known.values())
            return {"answer": {"total_count": len(listed), "branch_policies": listed}}
        if method == "POST":
            return {"answer": self.add_branch_policy(policies.group(1), body)}
        if method == "DELETE" and policies.group(2) in known:
            del known[str(policies.group(2))]
            return {"answer": None}
        raise RefusedError(404, "Not Found")

    def route(self, method: str, target: str, headers: Any, body: dict[str, Any]) -> Any:
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query)
        token_route = re.fullmatch(rf"/app/installations/{INSTALLATION_ID}/access_tokens", path)
        if method == "GET" and path == f"/repos/{self.repository}/installation":
            self.verify_app_jwt(headers.get("Authorization"))
            return {"id": INSTALLATION_ID, "app_slug": APP_SLUG}
        if method == "POST" and token_route:
            return self.installation_token(headers.get("Authorization"))
        if method == "POST" and path == "/_rehearsal/oidc-token":
            return self.oidc_subject(body)
        login = self.login(headers.get("Authorization"))
        self.calls.append((method, path, login))
        if method == "GET" and (user := re.fullmatch(r"/users/([^/]+)", path)):
            if user.group(1) not in USER_IDS:
                raise RefusedError(404, "Not Found")
            return {"login": user.group(1), "id": USER_IDS[user.group(1)], "type": "User"}
        prefix = f"/repos/{self.repository}/"
        if not f"{path}/".startswith(prefix):
            raise RefusedError(404, "Not Found")
        resource = f"{path}/".removeprefix(prefix).removesuffix("/")
        if administered := self.route_settings(method, resource, body, login):
            return administered["answer"]
        if method == "POST" and resource == "git/refs":
            return self.create_ref(str(body["ref"]), str(body["sha"]))
        if method == "PUT" and resource.startswith("contents/"):
            return self.put_contents(resource.removeprefix("contents/"), body, login)
        if method == "POST" and resource == "deployments":
            return self.create_deployment(body, login)
        if method == "POST" and (match := re.fullmatch(r"deployments/(\d+)/statuses", resource)):
            return self.add_deployment_status(int(match.group(1)), body)
        if method == "PATCH" and (match := re.fullmatch(r"git/refs/heads/(.+)", resource)):
            return self.update_ref(match.group(1), body)
        if method == "POST" and resource == "pulls":
            return self.create_pull(body, login)
        if method == "GET" and resource == "pulls":
            return self.list_pulls(query)
        if method == "PATCH" and (match := re.fullmatch(r"pulls/(\d+)", resource)):
            return self.edit_pull(int(match.group(1)), body)
        if match := re.fullmatch(r"issues/(\d+)/comments", resource):
            number = int(match.group(1))
            if method == "POST":
                return self.add_comment(number, str(body["body"]), login)
            page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
            listed = [c for c in self.comments.values() if c["issue"] == number]
            return listed[(page - 1) * size : page * size]
        if method == "PATCH" and (match := re.fullmatch(r"issues/comments/(\d+)", resource)):
            return self.edit_comment(int(match.group(1)), str(body["body"]), login)
        if resource == "issues" and method == "POST":
            return self.create_issue(body, login)
        if resource == "issues" and method == "GET":
            page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
            # GitHub lists pull requests among the issues, marked with "pull_request".
            listed = [i for i in self.issues.values() if i["state"] == "open"] + [
                {"number": n, "title": p["title"], "user": p["user"], "pull_request": {}}
                for n, p in self.pulls.items()
            ]
            return listed[(page - 1) * size : page * size]
        if method == "PATCH" and (match := re.fullmatch(r"issues/(\d+)", resource)):
            return self.edit_issue(int(match.group(1)), body)
        raise RefusedError(404, f"Not Found (the stand-in does not serve {method} {resource})")


def handler(state: GitHubState) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            try:
                with state.lock:
                    payload = state.route(self.command, self.path, self.headers, body)
                status = {"POST": 201, "PUT": 201, "DELETE": 204}.get(self.command, 200)
            except RefusedError as refused:
                status, payload = refused.status, {"message": str(refused)}
            send_json(self, status, b"" if status == 204 else json.dumps(payload).encode())

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

        def log_message(self, *_: object) -> None:
            pass

    return Handler


@dataclass(frozen=True)
class GitHubStandIn:
    api_url: str
    state: GitHubState


def app_key_pair() -> tuple[str, rsa.RSAPublicKey]:
    """A private key for the rehearsal's GitHub App (PEM, as the secret holds it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


@contextmanager
def serve_github(
    repository: str, origin: Path, actions_token: str, app_public_key: rsa.RSAPublicKey
) -> Iterator[GitHubStandIn]:
    state = GitHubState(repository, origin, actions_token, app_public_key)
    with serve_http(handler(state)) as server:
        yield GitHubStandIn(f"http://{LOOPBACK}:{server.server_port}", state)


def request_installation_token(
    api_url: str, repository: str, client_id: str, private_key_pem: str
) -> str:
    """What actions/create-github-app-token does: find the App's installation on the
    repository with a signed JWT, then exchange the JWT for an installation token."""
    jwt = sign_app_jwt(private_key_pem, client_id)
    headers = {"Authorization": f"Bearer {jwt}", "Accept": "application/vnd.github+json"}

    def call(method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(f"{api_url}{path}", method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer

    installation = call("GET", f"/repos/{repository}/installation")
    return str(call("POST", f"/app/installations/{installation['id']}/access_tokens")["token"])
