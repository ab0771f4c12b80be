"""The AWS calls Terraform's provider made as each CI role, read from its debug logs (the
credentials stand-in points TF_LOG_PATH at records/provider-calls/<role>/), as the IAM
actions AWS authorizes them by. The rehearsal asks PMapper whether each role's policies
grant each action: a call the deploy or plan role makes but may not would fail the first
real deploy, and moto, which enforces no IAM here, would never say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

# rpc.service (the SDK's service id) -> the IAM service prefix.
PREFIXES: Final = {
    "ApiGatewayV2": "apigateway",
    "Application Auto Scaling": "application-autoscaling",
    "CloudWatch Logs": "logs",
    "EC2": "ec2",
    "ECR": "ecr",
    "ECS": "ecs",
    "Elastic Load Balancing v2": "elasticloadbalancing",
    "IAM": "iam",
    "KMS": "kms",
    "Lambda": "lambda",
    "S3": "s3",
    "SageMaker": "sagemaker",
    "SSM": "ssm",
    "STS": "sts",
    "WAFV2": "wafv2",
}
# S3 operations whose IAM action has another name (the service authorization reference).
S3_ACTIONS: Final = {
    "HeadBucket": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "HeadObject": "GetObject",
    "DeleteObjects": "DeleteObject",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "GetBucketReplication": "GetReplicationConfiguration",
    "GetBucketCors": "GetBucketCORS",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
}
# Calls no policy can refuse, and the provider's own probing while it configures itself
# (it tolerates a refusal there).
UNAUTHORIZED: Final = {"sts:GetCallerIdentity"}
ENTRY: Final = re.compile(r"\n(?=\d{4}-\d\d-\d\dT)")


def field(entry: str, name: str) -> str | None:
    found = re.search(rf'(?:^|\s){re.escape(name)}=("[^"]*"|\S+)', entry)
    return found.group(1).strip('"') if found else None


def action_of(service: str, method: str, http_method: str | None) -> str:
    prefix = PREFIXES.get(service)
    if prefix is None:
        raise ValueError(f"no IAM prefix known for the provider's service {service!r}")
    if prefix == "apigateway":  # API Gateway authorizes by HTTP verb on the resource path
        return f"apigateway:{http_method or 'GET'}"
    if prefix == "s3":
        return f"s3:{S3_ACTIONS.get(method, method)}"
    return f"{prefix}:{method}"


def actions_in(log: str) -> set[str]:
    actions = set()
    for entry in ENTRY.split(log):
        if "HTTP Request Sent" not in entry or field(entry, "tf_rpc") == "ConfigureProvider":
            continue
        service, method = field(entry, "rpc.service"), field(entry, "rpc.method")
        if service and method:
            actions.add(action_of(service, method, field(entry, "http.method")))
    return actions - UNAUTHORIZED


def actions_by_role(logs: Path) -> dict[str, set[str]]:
    """role name -> every IAM action its Terraform runs needed."""
    found: dict[str, set[str]] = {}
    for folder in sorted(p for p in logs.iterdir() if p.is_dir()) if logs.exists() else []:
        found[folder.name] = set().union(*map(actions_in, read_all(folder.glob("*.log"))))
    return found


def read_all(paths: Iterable[Path]) -> list[str]:
    return [path.read_text(errors="replace") for path in sorted(paths)]
