"""AWS Signature Version 4, recomputed step by step as the IAM documentation gives it (not
botocore's code): what a verifier of signed requests (API Gateway's IAM authorization)
compares the request's signature with."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def credential_fields(authorization: str) -> dict[str, str]:
    """Credential, SignedHeaders and Signature of an AWS4-HMAC-SHA256 Authorization header."""
    return dict(part.strip().split("=", 1) for part in authorization.split(" ", 1)[1].split(","))


def expected_signature(
    method: str, target: str, headers: dict[str, str], body: bytes, secret: str
) -> str:
    """The signature the request should carry; ``headers`` with lower-case names."""
    fields = credential_fields(headers["authorization"])
    _, date, region, service, _ = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    path, _, query = target.partition("?")
    canonical_query = "&".join(sorted(query.split("&"))) if query else ""
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    canonical_request = "\n".join(
        [
            method,
            urllib.parse.quote(path),
            canonical_query,
            canonical_headers,
            fields["SignedHeaders"],
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            headers["x-amz-date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _hmac(
        _hmac(_hmac(_hmac(f"AWS4{secret}".encode(), date), region), service), "aws4_request"
    )
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
