"""The environment a deploy targets is its name prefix (``churn.names``); it also picks
each Terraform root's state key."""

from __future__ import annotations

from churn.names import DEFAULT_PREFIX, name_prefix

__all__ = ["DEFAULT_PREFIX", "name_prefix", "state_key"]


def state_key(prefix: str, root: str) -> str:
    """<prefix without its hyphen>/<root>/terraform.tfstate in the state bucket."""
    return f"{prefix.rstrip('-')}/{root}/terraform.tfstate"
