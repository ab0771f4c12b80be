"""Reading act's log (tests/rehearsal/rehearsal.py): a job asked for that act skipped is
not taken for one that ran."""

from __future__ import annotations

from pathlib import Path

from tests.rehearsal.rehearsal import job_succeeded

WORKFLOW = """\
name: deploy
jobs:
  release:
    name: record the release
    runs-on: ubuntu-24.04
    steps: [{run: "true"}]
  apply:
    needs: release
    uses: ./.github/workflows/reusable-terraform-apply.yml
"""
RELEASED = "[deploy/record the release] 🏁  Job succeeded"
APPLIED = "[apply/reusable terraform apply/apply the reviewed plans] 🏁  Job succeeded"


def test_a_job_counts_as_run_only_when_act_reports_it_succeeded(tmp_path: Path) -> None:
    workflow = tmp_path / "deploy.yml"
    workflow.write_text(WORKFLOW)
    skipped = f"[deploy/record the release] ⭐ Run Set up job\n{RELEASED}\n"  # apply skipped
    assert job_succeeded(skipped, workflow, "release")
    assert not job_succeeded(skipped, workflow, "apply")
    assert job_succeeded(f"{skipped}{APPLIED}\n", workflow, "apply")
    longer = "[deploy/record the release twice] 🏁  Job succeeded\n"  # another job's name
    assert not job_succeeded(longer, workflow, "release")
    padded = "[deploy/record the release  ] 🏁  Job succeeded\n"  # as act pads names run together
    assert job_succeeded(padded, workflow, "release")
    failed = "[apply/reusable terraform apply/apply the reviewed plans] 🏁  Job failed\n"
    assert not job_succeeded(failed, workflow, "apply")
