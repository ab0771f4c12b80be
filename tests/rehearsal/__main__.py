"""`make rehearse`: python -m tests.rehearsal --data <csv>."""

import sys

from tests.rehearsal.rehearsal import main

sys.exit(main())
