"""The tables in docs/ that a tool measured, written from that tool's own results
(``docs/data/<name>.json``), never by hand.

A generated table sits between two comments naming it and where it comes from::

    <!-- generated: mutation-scores from docs/data/mutation.json (make mutation); do not edit -->
    | module | ... |
    <!-- end: mutation-scores -->

``make mutation`` and ``make bench`` write their results and call ``write``;
``python -m scripts.docs_tables --check`` (a test runs it) fails when a table is not what
its results say.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parent.parent
DOCS: Final = REPO / "docs"
DATA: Final = DOCS / "data"
BLOCK: Final = re.compile(
    r"(?P<open><!-- generated: (?P<name>[\w-]+) [^\n]*-->\n)"
    r"(?P<body>.*?)(?P<close><!-- end: (?P=name) -->)",
    re.S,
)


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def mutation_scores(results: dict[str, Any]) -> str:
    lines = [
        "Measured by `make mutation` (scripts/mutation.py) on the day each row gives.",
        "",
        "| module | mutants | killed | equivalent | score | measured |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for module, entry in results["modules"].items():
        score = f"{entry['score']:.1f} %" if entry["mutants"] else "—"
        lines.append(
            _row([module, entry["mutants"], entry["killed"], entry["equivalent"], score,
                  entry["measured"]])
        )  # fmt: skip
    return "\n".join(lines)


def _measured(results: dict[str, Any]) -> str:
    return (
        f"Measured {results['measured']} on {results['cores']} cores by `{results['command']}` "
        "(bench/score.py)."
    )


def score_scale(results: dict[str, Any]) -> str:
    lines = [
        _measured(results) + f" The floor: {results['floor_rows_per_second']:,} rows/s.",
        "",
        "| engine | rows | explain | wall | rows/s | CPU | rows per CPU-second "
        "| floor ÷ engine | peak memory |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    floor = results["floor_rows_per_second"]
    for run in results["runs"]:
        per_core = run["rows"] / run["cpu_seconds"]
        lines.append(
            _row([
                run["engine"], f"{run['rows']:,}", run["explain"], f"{run['wall_seconds']:.1f} s",
                f"{run['rows'] / run['wall_seconds']:,.0f}", f"{run['cpu_seconds']:.1f} s",
                f"{per_core:,.0f}", f"{floor / per_core:.2f}x", f"{run['peak_mb']:,.0f} MB",
            ])
        )  # fmt: skip
    return "\n".join(lines)


def score_plans(results: dict[str, Any]) -> str:
    blocks = [_measured(results)]
    for plan in results["plans"]:
        lines = [
            f"{plan['title']}:",
            "",
            "| way | customers | time | cost | per million | how |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for way in plan["ways"]:
            lines.append(
                _row([
                    way["way"], f"{way['customers'] / 1e6:,.0f}M", f"{way['minutes']:,.1f} min",
                    f"${way['usd']:,.2f}", f"${way['usd'] / way['customers'] * 1e6:,.4f}",
                    way["how"],
                ])
            )  # fmt: skip
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def score_prices(results: dict[str, Any]) -> str:
    lines = [
        f"| price (us-east-1, on demand, as of {results['prices_as_of']}) | USD | page |",
        "|---|---:|---|",
    ]
    lines += [_row([p["unit"], f"{p['usd']:g}", p["page"]]) for p in results["prices"]]
    return "\n".join(lines)


def idle_cost(results: dict[str, Any]) -> str:
    rows = results["environments"]
    parts = list(rows[0]["parts"])
    lines = [
        _row(
            [
                f"environment (us-east-1 prices of {results['prices_as_of']})",
                *parts,
                "a month",
                "as configured",
            ]
        ),
        "|---|" + "---:|" * (len(parts) + 1) + "---|",
    ]
    for row in rows:
        costs = [f"${row['parts'][part]:.2f}" for part in parts]
        lines.append(_row([row["name"], *costs, f"**${row['total']:.2f}**", row["said"]]))
    shared = results["shared"]
    lines.append(
        f"\nBoth share the bootstrap and pipeline stacks: {shared['kms_keys']} KMS keys, "
        f"${shared['total']:.2f} a month."
    )
    return "\n".join(lines)


# Each table: the results file it is made from, and how.
TABLES: Final[dict[str, tuple[str, Callable[[dict[str, Any]], str]]]] = {
    "mutation-scores": ("mutation.json", mutation_scores),
    "score-scale": ("bench-score.json", score_scale),
    "score-plans": ("bench-score.json", score_plans),
    "score-prices": ("bench-score.json", score_prices),
    "idle-cost": ("idle-cost.json", idle_cost),
}


def rendered(name: str) -> str:
    source, render = TABLES[name]
    return render(json.loads((DATA / source).read_text()))


def pages() -> list[Path]:
    return [*REPO.glob("README.md"), *sorted(DOCS.glob("*.md"))]


def write(source: str | None = None) -> list[str]:
    """The generated tables made again from their results (only those of ``source``, a
    results file's name, when given; a table whose results do not exist yet is left as it
    is); the tables written."""

    def fresh(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in TABLES or (source or TABLES[name][0]) != TABLES[name][0]:
            return match[0]
        if not (DATA / TABLES[name][0]).exists():
            return match[0]
        written.append(f"{page.name}: {name}")
        return match["open"] + rendered(name) + "\n" + match["close"]

    written: list[str] = []
    for page in pages():
        text = page.read_text()
        made = BLOCK.sub(fresh, text)
        if made != text:
            page.write_text(made)
    return written


def stale() -> list[str]:
    """Tables that are not what their results say (or that name no known table)."""
    found = []
    for page in pages():
        for match in BLOCK.finditer(page.read_text()):
            name = match["name"]
            where = f"{page.relative_to(REPO)}: {name}"
            if name not in TABLES:
                found.append(f"{where} (no such table)")
            elif not (DATA / TABLES[name][0]).exists():
                found.append(f"{where} (no {TABLES[name][0]} yet)")
            elif match["body"] != rendered(name) + "\n":
                found.append(where)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.docs_tables", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a table is stale")
    arguments = parser.parse_args(argv)
    if arguments.check:
        if found := stale():
            print(f"stale generated tables (make them again): {', '.join(found)}", file=sys.stderr)
            return 1
        return 0
    for table in write():
        print(f"docs_tables: wrote {table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
