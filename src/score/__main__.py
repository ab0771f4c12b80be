"""``python -m churn.score``: scoring runs in the training image (SageMaker Processing, ECS)."""

import sys

from churn.score.cli import main

sys.exit(main())
