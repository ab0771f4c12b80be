"""What the rehearsal's stand-ins for remote actions (tests/rehearsal/actions/*) and for
``docker`` do, run with the rehearsal's own interpreter: ``python -m
tests.rehearsal.standins <name>``, inputs from ``INPUT_*`` variables as GitHub passes them.

Each stand-in's action.yml says in one comment what the real action does and what this
does instead. They write to the job's ``$GITHUB_ENV`` / ``$GITHUB_PATH`` / ``$GITHUB_OUTPUT``
as the real ones do, and record what they saw in ``$REHEARSAL_DIR`` for the checks.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from tests.rehearsal.terraform_config import rehearsal_cli_config

# A stand-in runs once per use of its action (a few hundred times a run): boto3, yaml and
# the GitHub stand-in's module (cryptography) are imported only by the ones that need them.

OIDC_HOST: Final = "token.actions.githubusercontent.com"


class StandInError(Exception):
    """What the real action (or docker) would have failed with; one line."""


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise StandInError(f"{name} is not set")
    return value


def action_input(name: str, default: str = "") -> str:
    """Input `foo-bar`, which each stand-in's action.yml passes as INPUT_FOO_BAR."""
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip() or default


def append(variable: str, line: str) -> None:
    with Path(env(variable)).open("a") as sink:
        sink.write(line + "\n")


def record(kind: str, entry: dict[str, Any]) -> None:
    """One JSON line per event in $REHEARSAL_DIR/<kind>.jsonl, for the rehearsal's checks."""
    with (Path(env("REHEARSAL_DIR")) / f"{kind}.jsonl").open("a") as sink:
        sink.write(json.dumps(entry | {"job": os.environ.get("GITHUB_JOB", "")}) + "\n")


# ---------------------------------------------------------------------------------------
# actions/setup-python, astral-sh/setup-uv, hashicorp/setup-terraform,
# terraform-linters/setup-tflint
# ---------------------------------------------------------------------------------------


# The interpreter a `python3.X` on PATH runs: a version manager's shim (pyenv's) is a shell
# script that finds it again on every call, and a venv's python carries the venv.
INTERPRETER: Final = (
    "import sys, sysconfig; print(f\"{sysconfig.get_config_var('BINDIR')}/"
    'python{sys.version_info[0]}.{sys.version_info[1]}")'
)


def setup_python() -> None:
    """The real action puts the interpreter's own folder from its tool cache on PATH (python,
    python3 and python3.X there are the binary); this one links those three names to this
    machine's interpreter of that version, found through whatever PATH has for it."""
    wanted = action_input("python-version")
    found = shutil.which(f"python{wanted}")
    if found is None:
        raise StandInError(f"Python {wanted!r} is not on this machine")
    python = subprocess.run(
        [found, "-c", INTERPRETER], capture_output=True, text=True, check=True
    ).stdout.strip()
    bin_dir = Path(env("RUNNER_TEMP")) / f"python-{wanted}" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3", f"python{wanted}"):
        link = bin_dir / name
        link.unlink(missing_ok=True)
        link.symlink_to(python)
    append("GITHUB_PATH", str(bin_dir))
    append("GITHUB_OUTPUT", f"python-version={wanted}")
    append("GITHUB_OUTPUT", f"python-path={python}")


def setup_uv() -> None:
    """The uv the version file pins (``uv==X.Y.Z``), from this machine: the rehearsal's own
    venv has the project's pinned uv."""
    pins = (Path(env("GITHUB_WORKSPACE")) / action_input("version-file")).read_text()
    found = re.search(r"^uv==(\S+)$", pins, re.M)
    if found is None:
        raise StandInError(f"{action_input('version-file')} pins no uv (uv==X.Y.Z)")
    uv = Path(env("REHEARSAL_PYTHON")).with_name("uv")
    shown = subprocess.run([str(uv), "--version"], capture_output=True, text=True, check=True)
    if shown.stdout.split()[1] != found.group(1):
        raise StandInError(f"this machine has {shown.stdout.strip()}, the pin is {found.group(1)}")
    bin_dir = Path(env("RUNNER_TEMP")) / "uv-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    link = bin_dir / "uv"
    link.unlink(missing_ok=True)
    link.symlink_to(uv)
    append("GITHUB_PATH", str(bin_dir))
    append("GITHUB_OUTPUT", f"uv-version={found.group(1)}")
    append("GITHUB_OUTPUT", f"uv-path={link}")


def setup_terraform() -> None:
    wanted = action_input("terraform_version")
    if action_input("terraform_wrapper", "true") != "false":
        raise StandInError("the wrapper changes terraform's output; the workflows turn it off")
    shown = subprocess.run(
        ["terraform", "version", "-json"], capture_output=True, text=True, check=True
    )
    found = json.loads(shown.stdout)["terraform_version"]
    if found != wanted:
        raise StandInError(f"this machine has terraform {found}, the workflow asks for {wanted}")
    # Providers come from this machine's filesystem mirror instead of the registry (and are
    # not checksummed again on every command: tests/rehearsal/terraform_config.py).
    config = rehearsal_cli_config(Path(env("REHEARSAL_REPO")))
    append("GITHUB_ENV", f"TF_CLI_CONFIG_FILE={config}")


TFLINT_STAND_IN: Final = """#!/usr/bin/env bash
# tflint stand-in: tflint is a Go binary that cannot be installed on this machine.
PYTHONPATH="$REHEARSAL_REPO" exec "$REHEARSAL_PYTHON" -m tests.rehearsal.standins tflint "$@"
"""


def setup_tflint() -> None:
    bin_dir = Path(env("RUNNER_TEMP")) / "tflint-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "tflint"
    script.write_text(TFLINT_STAND_IN)
    script.chmod(0o755)
    append("GITHUB_PATH", str(bin_dir))


def tflint(arguments: Sequence[str]) -> None:
    """Checks what it can without tflint: the config and the root exist; lints nothing."""
    options: dict[str, str] = {}
    words = iter(arguments)
    for word in words:
        if word in ("--config", "--chdir", "--format"):
            options[word] = next(words, "")
    config = Path(options.get("--config", ".tflint.hcl"))
    if not config.is_file():
        raise StandInError(f"Failed to load TFLint config; {config}: no such file")
    root = Path(options.get("--chdir", "."))
    if "--init" not in arguments and not list(root.glob("*.tf")):
        raise StandInError(f"{root}: no Terraform files")
    print(f"tflint stand-in: {root} ({config.name} found); not linted (no tflint binary here)")
    record("tflint", {"arguments": list(arguments)})


# ---------------------------------------------------------------------------------------
# aws-actions/configure-aws-credentials
# ---------------------------------------------------------------------------------------


# The one expression a job's environment is written as (reusable-terraform-apply.yml),
# and the job variable holding its value.
ENVIRONMENT_INPUT: Final = ("${{ inputs.environment }}", "DEPLOY_ENVIRONMENT")


def job_environment(workspace: Path, job: str) -> str | None:
    """The environment the running job declares (GitHub puts it in the token's subject;
    act does not tell a step, so it is read from the workflow files, and an expression's
    value from the job's environment variable of the same value)."""
    import yaml  # noqa: PLC0415 (the comment at the top says why)

    for path in sorted((workspace / ".github" / "workflows").glob("*.yml")):
        document = yaml.safe_load(path.read_text())
        declared = (document.get("jobs") or {}).get(job, {}).get("environment")
        if declared == ENVIRONMENT_INPUT[0]:
            return env(ENVIRONMENT_INPUT[1])
        if isinstance(declared, str):
            if "${{" in declared:
                raise StandInError(
                    f"{path.name}: job {job}'s environment {declared} is unknown here"
                )
            return declared
    return None


def oidc_subject(event: str, ref: str, environment: str | None) -> str:
    """The `sub` claim of the job's OIDC token, from the GitHub stand-in: GitHub builds it
    from the repository's subject template, and issues none to a job its environment's
    branch policy would not have started."""
    request = urllib.request.Request(
        f"{env('GITHUB_API_URL')}/_rehearsal/oidc-token",
        data=json.dumps({"event": event, "ref": ref, "environment": environment}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return str(json.loads(answer.read())["sub"])
    except urllib.error.HTTPError as error:
        raise StandInError(f"no OIDC token: {json.loads(error.read())['message']}") from None


def trusts(document: dict[str, Any], subject: str) -> bool:
    """Whether a role's trust policy lets a GitHub OIDC token with this subject assume it."""
    for statement in document.get("Statement", []):
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or []
        federated = str(statement.get("Principal", {}).get("Federated", ""))
        if statement.get("Effect") != "Allow" or "sts:AssumeRoleWithWebIdentity" not in actions:
            continue
        if not federated.endswith(f"oidc-provider/{OIDC_HOST}"):
            continue
        conditions = statement.get("Condition", {})
        subjects = conditions.get("StringEquals", {}).get(f"{OIDC_HOST}:sub", [])
        subjects = [subjects] if isinstance(subjects, str) else subjects
        patterns = conditions.get("StringLike", {}).get(f"{OIDC_HOST}:sub", [])
        patterns = [patterns] if isinstance(patterns, str) else patterns
        audience = conditions.get("StringEquals", {}).get(f"{OIDC_HOST}:aud")
        if audience not in ("sts.amazonaws.com", ["sts.amazonaws.com"]):
            continue
        if subject in subjects or any(fnmatch.fnmatchcase(subject, p) for p in patterns):
            return True
    return False


def configure_aws_credentials() -> None:
    from tests.rehearsal.moto_terraform import write_moto_overrides  # noqa: PLC0415
    from tests.support.moto import moto_admin  # noqa: PLC0415

    role_arn = action_input("role-to-assume")
    region = action_input("aws-region")
    if not role_arn:
        raise StandInError("Input required and not supplied: role-to-assume (an empty secret?)")
    endpoint = env("MOTO_ENDPOINT")
    iam = moto_admin(region).client("iam", endpoint_url=endpoint)
    role_name = role_arn.rsplit("/", 1)[-1]
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        raise StandInError(f"Could not assume role {role_arn}: it does not exist") from None
    workspace = Path(env("GITHUB_WORKSPACE"))
    environment = job_environment(workspace, env("GITHUB_JOB"))
    subject = oidc_subject(env("GITHUB_EVENT_NAME"), env("GITHUB_REF"), environment)
    if not trusts(role["AssumeRolePolicyDocument"], subject):
        raise StandInError(
            f"Not authorized to perform sts:AssumeRoleWithWebIdentity on {role_arn} "
            f"(token subject {subject})"
        )
    duration = int(action_input("role-duration-seconds", "3600"))
    maximum = role.get("MaxSessionDuration", 3600)
    if duration > maximum:
        raise StandInError(f"role-duration-seconds {duration} exceeds the role's {maximum}")
    token = base64.urlsafe_b64encode(json.dumps({"sub": subject}).encode()).decode()
    sts = moto_admin(region).client("sts", endpoint_url=endpoint)
    credentials = sts.assume_role_with_web_identity(
        RoleArn=role_arn,
        RoleSessionName="GitHubActions",
        WebIdentityToken=f"header.{token}.signature",
        DurationSeconds=duration,
    )["Credentials"]
    for name, value in (
        ("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"]),
        ("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"]),
        ("AWS_SESSION_TOKEN", credentials["SessionToken"]),
        ("AWS_REGION", region),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_ENDPOINT_URL", endpoint),
    ):
        append("GITHUB_ENV", f"{name}={value}")
    sagemaker = os.environ.get("AWS_ENDPOINT_URL_SAGEMAKER")  # the rehearsal's front
    write_moto_overrides(workspace / "terraform", endpoint, with_keys=False, sagemaker=sagemaker)
    # Not the real action's: Terraform's provider logs every AWS call it makes as this
    # role, for the rehearsal to check each against the role's policies (provider_calls).
    calls = Path(env("REHEARSAL_DIR")) / "provider-calls" / role_name
    calls.mkdir(parents=True, exist_ok=True)
    append("GITHUB_ENV", "TF_LOG_PROVIDER=DEBUG")
    append(
        "GITHUB_ENV", f"TF_LOG_PATH={calls / (env('GITHUB_JOB') + '-' + os.urandom(4).hex())}.log"
    )
    # The API Gateway stand-in verifies signatures and authorizes with these (test keys).
    record(
        "credentials",
        {
            "access_key": credentials["AccessKeyId"],
            "secret": credentials["SecretAccessKey"],
            "role": role_arn,
            "subject": subject,
        },
    )


# ---------------------------------------------------------------------------------------
# actions/upload-artifact, actions/download-artifact, github/codeql-action/upload-sarif
# ---------------------------------------------------------------------------------------


def artifacts_dir() -> Path:
    return Path(env("REHEARSAL_ARTIFACTS"))


def upload_artifact() -> None:
    name, path = action_input("name", "artifact"), Path(action_input("path"))
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    if not files and action_input("if-no-files-found", "warn") == "error":
        raise StandInError(f"No files were found with the provided path: {path}")
    target = artifacts_dir() / name
    if target.exists():
        raise StandInError(f"an artifact named {name} already exists in this run")
    for file in files:
        relative = file.name if path.is_file() else str(file.relative_to(path))
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target / relative)
    retention = int(action_input("retention-days", "90") or "90")
    record("artifacts", {"name": name, "files": len(files), "retention_days": retention})


def download_artifact() -> None:
    """By name: that artifact's files straight into path; by pattern: each matching
    artifact into path/<its name>, or all into path with merge-multiple."""
    name, destination = action_input("name"), Path(action_input("path", "."))
    if name:
        artifact = artifacts_dir() / name
        if not artifact.is_dir():
            raise StandInError(f"Artifact not found for name: {name}")
        shutil.copytree(artifact, destination, dirs_exist_ok=True)
        append("GITHUB_OUTPUT", f"download-path={destination.resolve()}")
        return
    pattern = action_input("pattern")
    merge = action_input("merge-multiple", "false") == "true"
    chosen = sorted(d for d in artifacts_dir().glob("*") if fnmatch.fnmatch(d.name, pattern))
    for artifact in chosen:
        target = destination if merge else destination / artifact.name
        shutil.copytree(artifact, target, dirs_exist_ok=True)
    append("GITHUB_OUTPUT", f"download-path={destination.resolve()}")


def upload_sarif() -> None:
    event = json.loads(Path(env("GITHUB_EVENT_PATH")).read_text())
    if event.get("repository", {}).get("private"):
        raise StandInError("Code Security must be enabled for this repository to use code scanning")
    path = Path(action_input("sarif_file"))
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise StandInError(f"{path}: not a SARIF file ({error})") from None
    if not isinstance(document.get("runs"), list):
        raise StandInError(f"{path}: SARIF without runs")
    results = sum(len(run.get("results", [])) for run in document["runs"])
    record("sarif", {"file": str(path), "category": action_input("category"), "results": results})


# ---------------------------------------------------------------------------------------
# actions/create-github-app-token
# ---------------------------------------------------------------------------------------


def create_github_app_token() -> None:
    from tests.rehearsal.github_api import request_installation_token  # noqa: PLC0415

    token = request_installation_token(
        env("GITHUB_API_URL"),
        env("GITHUB_REPOSITORY"),
        action_input("client-id"),
        os.environ.get("INPUT_PRIVATE_KEY", ""),
    )
    print(f"::add-mask::{token}")
    append("GITHUB_OUTPUT", f"token={token}")
    record("app_tokens", {"token_sha256": hashlib.sha256(token.encode()).hexdigest()})


# ---------------------------------------------------------------------------------------
# docker
# ---------------------------------------------------------------------------------------

ECR_HOST: Final = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$")


def docker_state() -> dict[str, Any]:
    path = Path(env("REHEARSAL_DIR")) / "docker.json"
    return json.loads(path.read_text()) if path.exists() else {"logins": [], "built": {}}


def save_docker_state(state: dict[str, Any]) -> None:
    (Path(env("REHEARSAL_DIR")) / "docker.json").write_text(json.dumps(state))


def dockerfile_sources(dockerfile: Path) -> list[str]:
    """The context paths a Dockerfile's COPY/ADD instructions read (not --from stages)."""
    sources = []
    for line in dockerfile.read_text().splitlines():
        words = line.split()
        if not words or words[0].upper() not in ("COPY", "ADD"):
            continue
        arguments = [w for w in words[1:] if not w.startswith("--")]
        if any(w.startswith("--from") for w in words[1:]):
            continue
        sources += arguments[:-1]
    return sources


def docker(arguments: Sequence[str]) -> None:
    command, rest = arguments[0], list(arguments[1:])
    state = docker_state()
    if command == "login":
        registry = rest[-1]
        if "--password-stdin" not in rest or not sys.stdin.read().strip():
            raise StandInError("Error: Cannot perform an interactive login from a non TTY device")
        if not ECR_HOST.match(registry):
            raise StandInError(f"{registry}: not an ECR registry")
        state["logins"].append(registry)
        print("Login Succeeded")
    elif command == "build":
        options: dict[str, list[str]] = {}
        positional = []
        iterator = iter(rest)
        for word in iterator:
            if word.startswith("--") and "=" in word:
                key, value = word.split("=", 1)
                options.setdefault(key, []).append(value)
            elif word.startswith("-"):
                options.setdefault(word, []).append(next(iterator))
            else:
                positional.append(word)
        context = Path(positional[-1]).resolve()
        dockerfile = Path(options["-f"][0]).resolve()
        if not dockerfile.is_file() or context not in dockerfile.parents:
            raise StandInError(f"{dockerfile}: no Dockerfile inside the context {context}")
        for source in dockerfile_sources(dockerfile):
            if not list(context.glob(source)):
                raise StandInError(f'COPY failed: "{source}" not found in the build context')
        for tag in options["-t"]:
            if not re.fullmatch(r"[^/]+/[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", tag):
                raise StandInError(f"invalid tag {tag!r}")
            state["built"][tag] = {"dockerfile": str(dockerfile), "options": options}
        print(f"docker stand-in: built {', '.join(options['-t'])} (not really: no engine here)")
    elif command == "push":
        push(state, rest[0])
    else:
        raise StandInError(f"docker {command}: the stand-in only builds, logs in and pushes")
    save_docker_state(state)


def push(state: dict[str, Any], target: str) -> None:
    """Record the image in (moto's) ECR as a push would, so the next run finds the tag."""
    from tests.support.moto import moto_admin  # noqa: PLC0415

    if target not in state["built"]:
        raise StandInError(f"An image does not exist locally with the tag: {target}")
    registry, _, rest = target.partition("/")
    repository, _, tag = rest.rpartition(":")
    if registry not in state["logins"]:
        raise StandInError(f"{registry}: no basic auth credentials (docker login first)")
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"digest": "sha256:" + hashlib.sha256(target.encode()).hexdigest()},
        "layers": [],
    }
    ecr = moto_admin().client("ecr", endpoint_url=env("MOTO_ENDPOINT"))
    ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)
    record("pushes", {"target": target})
    print(f"docker stand-in: pushed {target}")


STAND_INS: Final[dict[str, Callable[[], None]]] = {
    "setup-python": setup_python,
    "setup-terraform": setup_terraform,
    "setup-uv": setup_uv,
    "setup-tflint": setup_tflint,
    "configure-aws-credentials": configure_aws_credentials,
    "upload-artifact": upload_artifact,
    "download-artifact": download_artifact,
    "upload-sarif": upload_sarif,
    "create-github-app-token": create_github_app_token,
}


def main(argv: Sequence[str]) -> int:
    name = argv[0]
    try:
        if name == "docker":
            docker(argv[1:])
        elif name == "tflint":
            tflint(argv[1:])
        else:
            STAND_INS[name]()
    except StandInError as error:
        print(f"::error::{name} (stand-in): {error}")
        print(f"{name} (stand-in): {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
