"""Names of the model bundle's files, and of a scoring run's, defined once for the writers
and every reader.

A bundle is a directory (or S3 prefix) named by its version id. It is complete when its
manifest exists: the trainer publishes the manifest last (see ``storage.publish_directory``).
"""

from __future__ import annotations

import re
from typing import Final

MODEL_ARCHIVE: Final = "model.tar.gz"
# The one file inside MODEL_ARCHIVE. The SageMaker XGBoost container loads every regular
# file of /opt/ml/model (pickle first, then Booster.load_model), so the archive holds only
# this XGBoost JSON document and nothing else.
BOOSTER_FILE: Final = "xgboost-model"
PREPROCESSING_SPEC: Final = "preprocessing.json"
METRICS: Final = "metrics.json"
MODEL_CARD: Final = "MODEL_CARD.md"
# What the model learned from, for drift reports (churn.distributions). Bundles trained
# before it existed lack it: readers treat it as optional.
REFERENCE: Final = "reference.json"
MANIFEST: Final = "bundle.json"

BUNDLE_FILES: Final = (MODEL_ARCHIVE, PREPROCESSING_SPEC, METRICS, MODEL_CARD, REFERENCE, MANIFEST)

# A scoring run's files (churn-score writes them, the API reads them). A run is complete
# when its summary exists: churn-score publishes the summary last.
SCORES: Final = "scores.csv"
TOP: Final = "top.csv"
REJECTS: Final = "rejects.csv"
SUMMARY: Final = "summary.json"
DRIFT_JSON: Final = "drift.json"
DRIFT_MD: Final = "DRIFT.md"

# e.g. 20261123T142501Z-3f9a1c: UTC time first so versions sort by age, then a random
# suffix so two trainings in the same second never collide.
VERSION_PATTERN: Final = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
