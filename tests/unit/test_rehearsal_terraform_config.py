"""The rehearsal's Terraform CLI config (tests/rehearsal/terraform_config.py): the project's,
with the mirror's AWS provider also a development override, or the project's as it is."""

from __future__ import annotations

from pathlib import Path

from tests.rehearsal.terraform_config import AWS_PROVIDER, rehearsal_cli_config

LOCK = f'provider "{AWS_PROVIDER}" {{\n  version     = "5.100.0"\n  hashes = []\n}}\n'


def repository(tmp_path: Path, provider: str) -> tuple[Path, Path]:
    """A repository whose CLI config names a mirror holding ``provider`` (a path under the
    provider's folder); the repository and the unpacked layout's folder of the version."""
    mirror, repo = tmp_path / "mirror", tmp_path / "repo"
    (mirror / AWS_PROVIDER / provider).parent.mkdir(parents=True)
    (mirror / AWS_PROVIDER / provider).write_text("")
    (repo / "terraform" / "pipeline").mkdir(parents=True)
    (repo / "terraform" / "pipeline" / ".terraform.lock.hcl").write_text(LOCK)
    config = repo / ".cache" / "terraform" / "cli.tfrc"
    config.parent.mkdir(parents=True)
    config.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n    include = ["{AWS_PROVIDER}"]\n  }}\n}}\n'
    )
    return repo, mirror / AWS_PROVIDER / "5.100.0" / "linux_amd64"


def test_the_mirrors_provider_is_also_a_development_override(tmp_path: Path) -> None:
    repo, folder = repository(tmp_path, "5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5")
    config = rehearsal_cli_config(repo)
    assert config.name == "rehearsal.tfrc"
    text = config.read_text()
    assert f'dev_overrides {{\n    "hashicorp/aws" = "{folder}"\n  }}' in text
    assert "filesystem_mirror" in text  # the rest of the project's config kept
    assert rehearsal_cli_config(repo).read_text() == text  # written again, the same


def test_a_packed_mirror_keeps_the_projects_config(tmp_path: Path) -> None:
    repo, _ = repository(tmp_path, "terraform-provider-aws_5.100.0_linux_amd64.zip")  # packed
    assert rehearsal_cli_config(repo) == repo / ".cache" / "terraform" / "cli.tfrc"
