"""``python -m churn.api``: the same as ``churn-api``."""

import sys

from churn.api.cli import main

sys.exit(main())
