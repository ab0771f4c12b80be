"""The CLI config of the rehearsal's Terraform (its jobs' and its administrator's)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

from churn.ops.terraform import cli_config

AWS_PROVIDER: Final = "registry.terraform.io/hashicorp/aws"
REHEARSAL_CLI_CONFIG: Final = "rehearsal.tfrc"
HEADER: Final = "# The rehearsal's copy (tests/rehearsal/terraform_config.py): an override too.\n"


def rehearsal_cli_config(repo: Path) -> Path:
    """The CLI config of the rehearsal's Terraform: the project's (the provider from this
    machine's mirror), with the mirror's AWS provider also named as a development override.
    Terraform then skips one check it makes on every command that loads the provider: the
    SHA-256 of its 700 MB binary against the lock file's checksum (0.65 CPU-seconds of a
    validate's 2.9, on each of the rehearsal's 400-odd commands). It prints a warning
    that overrides are in effect; the lock file is still read, and is checked against the
    provider by every Terraform test outside the rehearsal. A mirror that keeps the provider
    packed (a zip) has no binary to name: the project's config is kept then."""
    project = cli_config(repo)
    config = project.with_name(REHEARSAL_CLI_CONFIG)
    text = project.read_text()
    mirror = re.search(r'filesystem_mirror\s*{\s*path\s*=\s*"([^"]+)"', text)
    lock = (repo / "terraform" / "pipeline" / ".terraform.lock.hcl").read_text()
    version = re.search(rf'provider "{AWS_PROVIDER}" {{\s*version\s*=\s*"([^"]+)"', lock)
    if mirror is None or version is None:
        return project
    binary = Path(mirror.group(1)) / AWS_PROVIDER / version.group(1) / "linux_amd64"
    if not list(binary.glob("terraform-provider-aws_v*")):
        return project
    overridden = HEADER + text.replace(
        "provider_installation {",
        f'provider_installation {{\n  dev_overrides {{\n    "hashicorp/aws" = "{binary}"\n  }}',
        1,
    )
    written = config.with_suffix(f".{os.getpid()}")  # whole or not at all: workers race
    written.write_text(overridden)
    written.replace(config)
    return config
