#!/usr/bin/env bash
# Writes .cache/terraform/cli.tfrc so Terraform installs the AWS provider from this
# machine's filesystem mirror (no registry is reachable here). Point TF_CLI_CONFIG_FILE at
# it (the Makefile does). Set TF_PROVIDER_MIRROR to use a mirror somewhere else, or
# TF_PROVIDERS=registry where the public registry is reachable (CI runners).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform-config: terraform is not on PATH; install Terraform >= 1.10" >&2
  exit 1
fi
provider="registry.terraform.io/hashicorp/aws"
mkdir -p .cache/terraform
if [ "${TF_PROVIDERS:-mirror}" = registry ]; then
  # CI runners reach the public registry; the cache spares a download per test copy.
  mkdir -p .cache/terraform/plugin-cache
  cat > .cache/terraform/cli.tfrc <<EOF
# Written by scripts/terraform-config.sh: providers come from the public registry.
plugin_cache_dir = "$PWD/.cache/terraform/plugin-cache"
EOF
  echo "terraform-config: $(terraform version | head -1), providers from the registry" >&2
  exit 0
fi
mirror="${TF_PROVIDER_MIRROR:-}"
if [ -z "$mirror" ]; then
  for candidate in /opt/tf-plugins /usr/local/share/terraform/plugins /usr/share/terraform/plugins \
                   "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins"; do
    if [ -d "$candidate/$provider" ]; then mirror="$candidate"; break; fi
  done
fi
if [ -z "$mirror" ]; then  # last resort: a bounded search of the usual roots
  found=$(find /opt /usr/local /usr/share "$HOME" -maxdepth 5 -type d -path "*/$provider" 2>/dev/null | head -1)
  mirror="${found%/$provider}"
fi
if [ -z "$mirror" ] || [ ! -d "$mirror/$provider" ]; then
  echo "terraform-config: no provider mirror holding $provider was found; set TF_PROVIDER_MIRROR" >&2
  exit 1
fi
# An unpacked mirror (a folder per version and platform): each root's `terraform init` links
# its .terraform to the mirror's folder itself, copying nothing. A plugin cache would add one
# more read and SHA-256 of the 700 MB binary to every init (1.6 CPU-seconds instead of 1.1).
# A packed mirror (zips) is unpacked into the plugin cache once rather than into every root;
# the tests' first worker warms it while the others wait (Terraform does not lock it).
cache=""
if ! compgen -G "$mirror/$provider/*/*/terraform-provider-*" >/dev/null; then
  cache=".cache/terraform/plugin-cache"
  mkdir -p "$cache"
fi
{
  echo "# Written by scripts/terraform-config.sh: providers come from the filesystem mirror only."
  [ -z "$cache" ] || echo "plugin_cache_dir = \"$PWD/$cache\""
  cat <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["$provider"]
  }
}
EOF
} > .cache/terraform/cli.tfrc
echo "terraform-config: $(TF_CLI_CONFIG_FILE=.cache/terraform/cli.tfrc terraform version | head -1), provider mirror $mirror" >&2
