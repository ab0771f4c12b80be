"""``python -m churn.ui``: the same as ``churn-ui`` (the UI image's entry point)."""

import sys

from churn.ui.cli import main

sys.exit(main())
