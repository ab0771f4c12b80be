"""The hook the tests' ``trained`` fixture asks before training (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookspec(firstresult=True)
def pytest_churn_trained_model() -> Any:
    """A model trained before this session (a ``TrainingResult``) to use instead of training
    again, or None. Mutation testing hands one over (scripts/mutation_plugin.py). pytest
    registers a plug-in's functions as hooks only when their names start with ``pytest_``."""
