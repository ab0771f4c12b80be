"""The environment a deploy targets is its name prefix: it starts every AWS name.
``NAME_PREFIX`` (make, the repository variable) chooses production's; the default is the
project's own, the same as Terraform's variable default (a test checks). Staging, when it
is on, is production's prefix plus ``stg-`` (the pipeline's ci-identity module derives the
same name for staging's deploy role: a test checks that too), so one setting names both.
"""

from __future__ import annotations

import os
from typing import Final

DEFAULT_PREFIX: Final = "teleco-customer-churn-"
ENVIRONMENTS: Final = ("production", "staging")
STAGING_SUFFIX: Final = "stg-"


def name_prefix() -> str:
    """Production's prefix: where the pipeline's bundles, images and releases live."""
    return os.environ.get("NAME_PREFIX") or DEFAULT_PREFIX


def environment_prefix(environment: str) -> str:
    """The prefix of an environment's own resources (staging's platform)."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"{environment!r} is not an environment: {', '.join(ENVIRONMENTS)}")
    return name_prefix() + STAGING_SUFFIX * (environment == "staging")


def state_key(prefix: str, root: str) -> str:
    """Each Terraform root's state key in the state bucket, picked by the environment:
    <prefix without its hyphen>/<root>/terraform.tfstate."""
    return f"{prefix.rstrip('-')}/{root}/terraform.tfstate"
