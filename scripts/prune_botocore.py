"""Drop the API models of AWS services the Lambda never calls from an installed botocore.

botocore ships the models of all ~440 AWS services (28 of its 31 MB); the prediction API
calls S3 (the bundle), SageMaker and SageMaker Runtime (the endpoint), and STS (credential
chains). Run on the Lambda image's install directory (its Dockerfile does, and so does the
test that proves the image's dependency set).

usage: python prune_botocore.py SITE_PACKAGES
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

KEEP = frozenset({"s3", "sagemaker", "sagemaker-runtime", "sts"})


def prune(site_packages: Path) -> int:
    """Remove every service model folder not in KEEP; returns how many were removed."""
    data = site_packages / "botocore" / "data"
    if not data.is_dir():
        raise SystemExit(f"prune_botocore: no botocore/data under {site_packages}")
    services = [entry for entry in data.iterdir() if entry.is_dir()]
    missing = KEEP - {service.name for service in services}
    if missing:
        raise SystemExit(f"prune_botocore: botocore lacks {sorted(missing)}")
    removed = [service for service in services if service.name not in KEEP]
    for service in removed:
        shutil.rmtree(service)
    return len(removed)


if __name__ == "__main__":
    count = prune(Path(sys.argv[1]))
    print(f"prune_botocore: removed {count} service models, kept {sorted(KEEP)}")
