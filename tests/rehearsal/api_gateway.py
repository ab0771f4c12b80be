"""A stand-in for the HTTP API's public endpoint, reached the way the deploy's smoke test
reaches the real one: HTTPS to ``https://<api-id>.execute-api.<region>.amazonaws.com``.

moto records the HTTP API but serves nothing at that address and never invokes a Lambda.
This stand-in is an HTTPS proxy (the rehearsal sets ``HTTPS_PROXY`` and a CA bundle that
trusts it) that answers for the API moto holds and does what API Gateway does for the
``$default`` route with IAM authorization before the Lambda runs:

- the stage is the path's first segment, and the API id must be the deployed one;
- the SigV4 signature is verified with the caller's secret (AWS's algorithm, recomputed);
- the caller's role must allow ``execute-api:Invoke`` on
  ``arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<VERB>/<path after the stage>``
  by its policies in moto (a 403 like API Gateway's otherwise);
- the request, whose raw path keeps the stage, goes to the integration: a local API
  serving what the Lambda's environment in moto names (its ``CHURN_BUNDLE``), with the
  in-process predictor in place of SageMaker, which moto does not run either.

Every other ``CONNECT`` (pip reaching PyPI, say) is tunnelled untouched.

API Gateway knows every credential STS issued; the stand-in knows those the
configure-aws-credentials stand-in handed out (its log), and those a job's own
``sts:AssumeRole`` got (the smoke test's chained role): jobs reach STS through a recorder
that forwards to moto and keeps what AssumeRole answered.
"""

from __future__ import annotations

import fnmatch
import http.server
import json
import os
import re
import select
import socket
import ssl
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs

import certifi
import httpx
import trustme

from churn.api.app import create_app
from churn.api.settings import Settings
from tests.support.live import serve
from tests.support.moto import moto_admin
from tests.support.servers import LOOPBACK, send_json, serve_http
from tests.support.sigv4 import credential_fields, expected_signature

EXECUTE_API: Final = re.compile(r"^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$")


@dataclass(frozen=True)
class Integration:
    """What the deployed API sends its requests to."""

    stages: frozenset[str]
    url: str  # the local API serving what the Lambda's environment names
    function: str  # the Lambda's name (its environment's prefix)
    crashes: bool = False  # the Lambda serves a release of a commit planted to crash


@dataclass
class Gateway:
    moto_endpoint: str
    credentials_log: Path  # what the configure-aws-credentials stand-in handed out
    services: ExitStack  # the local APIs started for integrations, stopped with it
    authority: trustme.CA = field(default_factory=trustme.CA)
    # Fault injection for the rehearsal's own tests: serve this bundle instead of the
    # Lambda's (a broken deployment the smoke test must catch).
    bundle_override: str | None = None
    # ...or crash while one of these (commit, function) pairs holds: the function serves a
    # release of the commit (a release id ends with its commit's first 7 characters), so a
    # fault can be planted in one environment only. API Gateway answers a function that
    # raised with 502 and {"message": "Internal server error"} (Lambda's "Handling Lambda
    # errors with an API Gateway API").
    crashing: set[tuple[str, str]] = field(default_factory=set)
    serving: dict[str, str] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    # access key -> (secret, role) of what a job's own AssumeRole got (the STS recorder)
    chained: dict[str, tuple[str, str]] = field(default_factory=dict)

    def integration(self, api_id: str) -> Integration | None:
        """The API moto holds under this id, its stages, and a local API serving the bundle
        its Lambda integration's environment names (as the Lambda would load it)."""
        api = moto_admin().client("apigatewayv2", endpoint_url=self.moto_endpoint)
        try:
            api.get_api(ApiId=api_id)
        except api.exceptions.NotFoundException:
            return None
        stages = frozenset(s["StageName"] for s in api.get_stages(ApiId=api_id)["Items"])
        uri = api.get_integrations(ApiId=api_id)["Items"][0]["IntegrationUri"]
        function = re.search(r":function:([A-Za-z0-9_-]+)", uri)
        if function is None:
            return None
        functions = moto_admin().client("lambda", endpoint_url=self.moto_endpoint)
        configuration = functions.get_function_configuration(FunctionName=function.group(1))
        variables = configuration["Environment"]["Variables"]
        bundle = self.bundle_override or variables["CHURN_BUNDLE"]
        if bundle not in self.serving:
            app = create_app(Settings(bundle=bundle, predictor="local"))
            self.serving[bundle] = self.services.enter_context(serve(app))
        release = variables.get("CHURN_RELEASE", "")
        crashes = any(
            release.endswith(f"-{commit[:7]}") and name == function.group(1)
            for commit, name in self.crashing
        )
        return Integration(stages, self.serving[bundle], function.group(1), crashes)

    def secret_and_role(self, access_key: str) -> tuple[str, str] | None:
        if access_key in self.chained:
            return self.chained[access_key]
        if not self.credentials_log.exists():
            return None
        for line in self.credentials_log.read_text().splitlines():
            entry = json.loads(line)
            if entry["access_key"] == access_key:
                return str(entry["secret"]), str(entry["role"])
        return None

    def policies(self, role_arn: str) -> list[dict[str, Any]]:
        iam = moto_admin().client("iam", endpoint_url=self.moto_endpoint)
        role = role_arn.rsplit("/", 1)[-1]
        documents = []
        for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            arn = attached["PolicyArn"]
            version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
            document = iam.get_policy_version(PolicyArn=arn, VersionId=version)
            documents.append(document["PolicyVersion"]["Document"])
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            documents.append(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
        return [json.loads(d) if isinstance(d, str) else d for d in documents]

    def allowed(self, role_arn: str, resource: str) -> bool:
        """An Allow for execute-api:Invoke on the resource and no Deny (conditions are not
        evaluated: a conditional statement never matches here)."""
        verdicts = set()
        for document in self.policies(role_arn):
            for statement in document.get("Statement", []):
                if statement.get("Condition"):
                    continue
                actions = as_list(statement.get("Action"))
                resources = as_list(statement.get("Resource"))
                if any(
                    fnmatch.fnmatchcase("execute-api:invoke", a.lower()) for a in actions
                ) and any(fnmatch.fnmatchcase(resource, r) for r in resources):
                    verdicts.add(statement.get("Effect"))
        return "Allow" in verdicts and "Deny" not in verdicts

    def answer(
        self, host: str, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        api_id, region = EXECUTE_API.match(host).groups()  # type: ignore[union-attr]
        integration = self.integration(api_id)
        path = target.partition("?")[0]
        stage = path.split("/")[1]
        if integration is None or stage not in integration.stages:
            return reply(404, {"message": "Not Found"})
        authorization = headers.get("authorization", "")
        if not authorization.startswith("AWS4-HMAC-SHA256 "):
            return reply(403, {"message": "Missing Authentication Token"})
        access_key = credential_fields(authorization)["Credential"].split("/")[0]
        known = self.secret_and_role(access_key)
        if known is None:
            return reply(403, {"message": "The security token included in the request is invalid."})
        secret, role = known
        claimed = authorization.rsplit("Signature=", 1)[-1]
        if claimed != expected_signature(method, target, headers, body, secret):
            return reply(403, {"message": "The request signature we calculated does not match"})
        account = role.split(":")[4]
        after_stage = path[len(stage) + 1 :]
        stage_arn = f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}"
        resource = f"{stage_arn}/{method}{after_stage}"
        self.calls.append(
            {
                "method": method,
                "path": path,
                "role": role,
                "resource": resource,
                "function": integration.function,
            }
        )
        if not self.allowed(role, resource):
            message = (
                f"User: {role} is not authorized to perform: execute-api:Invoke "
                f"on resource: {resource}"
            )
            self.calls[-1]["status"] = 403
            return reply(403, {"message": message})
        if integration.crashes:
            self.calls[-1]["status"] = 502
            return reply(502, {"message": "Internal server error"})
        forwarded = httpx.request(
            method,
            integration.url + target,
            content=body,
            headers={"content-type": headers.get("content-type", "application/json")},
            timeout=29,  # API Gateway's integration limit
        )
        self.calls[-1]["status"] = forwarded.status_code
        kept = {k: v for k, v in forwarded.headers.items() if k in ("content-type", "retry-after")}
        return forwarded.status_code, kept, forwarded.content

    def tls_context(self, host: str) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.authority.issue_cert(host).configure_cert(context)
        return context


def as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def reply(status: int, payload: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return status, {"content-type": "application/json"}, json.dumps(payload).encode()


def api_handler(gateway: Gateway, host: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Api(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_one(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, extra, content = gateway.answer(host, self.command, self.path, headers, body)
            send_json(self, status, content, extra)

        do_GET = do_POST = handle_one

        def log_message(self, *_: object) -> None:
            pass

    return Api


def proxy_handler(gateway: Gateway) -> type[http.server.BaseHTTPRequestHandler]:
    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_CONNECT(self) -> None:
            host, _, port = self.path.rpartition(":")
            if EXECUTE_API.match(host) and port == "443":
                self.send_response(200, "Connection established")
                self.end_headers()
                secured = gateway.tls_context(host).wrap_socket(self.connection, server_side=True)
                api_handler(gateway, host)(secured, self.client_address, self.server)
                self.close_connection = True
                return
            self.tunnel(host, int(port))

        def tunnel(self, host: str, port: int) -> None:
            try:
                upstream = socket.create_connection((host, port), timeout=30)
            except OSError:  # offline: the caller may have given up already
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.send_error(502, f"cannot reach {host}:{port}")
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            sockets = [self.connection, upstream]
            # A side that hangs up mid-transfer ends the tunnel, as in any proxy.
            with upstream, suppress(BrokenPipeError, ConnectionResetError):
                while True:
                    readable, _, broken = select.select(sockets, [], sockets, 60)
                    if broken or not readable:
                        break
                    for source in readable:
                        data = source.recv(65536)
                        if not data:
                            return
                        (upstream if source is self.connection else self.connection).sendall(data)
            self.close_connection = True

        def log_message(self, *_: object) -> None:
            pass

    return Proxy


def sts_recorder(gateway: Gateway) -> type[http.server.BaseHTTPRequestHandler]:
    """STS for the jobs: each call forwarded to moto as it came; the credentials an
    AssumeRole answered are kept for the gateway."""

    class Sts(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = httpx.post(
                gateway.moto_endpoint + self.path, content=body, headers=headers, timeout=30
            )
            form = parse_qs(body.decode())
            issued = re.search(
                r"<AccessKeyId>([^<]+)</AccessKeyId>\s*<SecretAccessKey>([^<]+)<", answer.text
            )
            if form.get("Action") == ["AssumeRole"] and answer.is_success and issued:
                gateway.chained[issued[1]] = (issued[2], form["RoleArn"][0])
            kind = {"content-type": answer.headers.get("content-type", "text/xml")}
            send_json(self, answer.status_code, answer.content, kind)

        def log_message(self, *_: object) -> None:
            pass

    return Sts


def trusted_roots() -> Path:
    """The certificates this machine trusts (its store, which may hold a proxy's authority
    that public bundles lack), else certifi's: a job's HTTPS to anything but the API (PyPI,
    for its setup) must verify as it does outside the rehearsal."""
    for candidate in (os.environ.get("SSL_CERT_FILE"), ssl.get_default_verify_paths().cafile):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return Path(certifi.where())


@contextmanager
def serve_gateway(gateway: Gateway, scratch: Path) -> Iterator[dict[str, str]]:
    """The proxy and the STS recorder running; yields the environment that routes a job's
    HTTPS through the one and its STS calls to the other."""
    bundle = scratch / "ca-bundle.pem"
    bundle.write_text(trusted_roots().read_text() + gateway.authority.cert_pem.bytes().decode())
    with serve_http(proxy_handler(gateway)) as proxy, serve_http(sts_recorder(gateway)) as sts:
        yield {
            "HTTPS_PROXY": f"http://{LOOPBACK}:{proxy.server_port}",
            "NO_PROXY": f"{LOOPBACK},localhost",
            "SSL_CERT_FILE": str(bundle),
            "AWS_ENDPOINT_URL_STS": f"http://{LOOPBACK}:{sts.server_port}",
        }
