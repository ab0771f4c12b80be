"""``python -m churn.train``: the training image's entry point."""

import sys

from churn.train.cli import main

sys.exit(main())
