"""The documentation holds together: every relative link and anchor of every Markdown file
resolves, each table a tool measured is what that tool's results say, and the README stays
a front door."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from bench import idle_cost
from scripts import docs_tables
from tests.support.environments import REPO_ROOT

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return sorted(REPO_ROOT / name for name in listed if (REPO_ROOT / name).exists())


def prose(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, inline code and links reduced to their
    text, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    kept = "".join(c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for line in prose(path.read_text()):
        if match := HEADING.match(line):
            base = slug(match.group(2))
            name, count = base, 1
            while name in found:  # GitHub numbers repeated headings
                name, count = f"{base}-{count}", count + 1
            found.add(name)
    return found


def broken_links(path: Path) -> list[str]:
    broken = []
    for line in prose(path.read_text()):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"^[a-z]+:", target):  # https:, mailto: ...
                continue
            file, _, anchor = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            if not linked.exists():
                broken.append(f"{target}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{target}: no heading #{anchor} in {linked.name}")
    return broken


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert broken_links(path) == []


def test_the_link_checker_finds_a_broken_file_and_a_broken_anchor(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\n## The second `one`\n")
    page = tmp_path / "b.md"
    page.write_text(
        "[ok](a.md#the-second-one) [no file](c.md) [no anchor](a.md#nope) [self](#here)\n"
        "```\n[in code](d.md)\n```\n# Here\n"
    )
    assert broken_links(page) == ["c.md: no such file", "a.md#nope: no heading #nope in a.md"]


def test_every_generated_table_is_what_its_results_say() -> None:
    assert docs_tables.stale() == []
    used = {
        m["name"] for p in docs_tables.pages() for m in docs_tables.BLOCK.finditer(p.read_text())
    }
    assert used == set(docs_tables.TABLES)  # each table the tools make is shown, and only those


def test_a_table_edited_by_hand_is_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    for name in ("DOCS", "REPO", "DATA"):
        monkeypatch.setattr(docs_tables, name, tmp_path)
    (tmp_path / "mutation.json").write_text(
        '{"modules": {"contract/rules.py": {"mutants": 3, "killed": 2, "equivalent": 1, '
        '"score": 100.0, "measured": "2026-12-06"}}}'
    )
    name = "mutation-scores"
    block = f"<!-- generated: {name} from x; do not edit -->\n{{}}\n<!-- end: {name} -->\n"
    page.write_text(block.format(docs_tables.rendered(name)))
    assert docs_tables.stale() == []
    page.write_text(block.format(docs_tables.rendered(name).replace("%", "percent")))
    assert docs_tables.stale() == [f"page.md: {name}"]


def test_the_idle_costs_follow_the_terraform_configuration() -> None:
    """The README's idle costs are counted from the Terraform files and the price table:
    a change to either without `make bench` leaves them stale, and that fails here."""
    stored = json.loads((docs_tables.DATA / "idle-cost.json").read_text())
    assert stored == json.loads(json.dumps(idle_cost.priced()))
    staging, production = sorted(stored["environments"], key=lambda e: e["name"], reverse=True)
    assert staging["settings"]["nat_gateways"] == 1 < production["settings"]["nat_gateways"]
    assert staging["total"] < production["total"]


def test_the_readme_is_a_front_door() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    linked = set(LINK.findall(readme))
    pages = {f"docs/{p.name}" for p in (REPO_ROOT / "docs").glob("*.md")}
    assert pages <= {target.partition("#")[0] for target in linked}, "a docs page it omits"
