"""Small files: no module of src/ grows past 300 lines (a reader sees one concern at a
time; a module that needs more is two concerns, split by name)."""

from __future__ import annotations

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src"
MAX_LINES = 300


def test_no_module_is_longer_than_300_lines() -> None:
    modules = [p for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(modules) > 50  # the walk found the package
    lengths = {str(p.relative_to(SOURCE)): len(p.read_text().splitlines()) for p in modules}
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
