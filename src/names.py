"""The environment a deploy targets is its name prefix: it starts every AWS name.
``NAME_PREFIX`` (make, the repository variable) chooses it; the default is the project's
own, the same as Terraform's variable default (a test checks).
"""

from __future__ import annotations

import os
from typing import Final

DEFAULT_PREFIX: Final = "teleco-customer-churn-"


def name_prefix() -> str:
    return os.environ.get("NAME_PREFIX") or DEFAULT_PREFIX


def state_key(prefix: str, root: str) -> str:
    """Each Terraform root's state key in the state bucket, picked by the environment:
    <prefix without its hyphen>/<root>/terraform.tfstate."""
    return f"{prefix.rstrip('-')}/{root}/terraform.tfstate"
