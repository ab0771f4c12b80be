"""Test tiers: what a test needs decides when it runs. A pytest plug-in (tests/conftest.py
loads it).

Each test is marked after the expensive fixtures it uses, directly or through others (its
whole fixture closure), never by hand:

=========  ===============  =====================================================
marker     fixture          what it costs
=========  ===============  =====================================================
model      ``trained``      the model trained on the real data (once per worker)
aws        ``moto_server``  a moto server, and what runs against it
install    ``installed``    an image's dependency set installed into a clean folder
terraform  ``terraform``    the terraform binary and the provider mirror
browser    ``browser``      headless Chromium, with the API and Streamlit serving
rehearsal  ``rehearsal``    the workflows run by act against every stand-in
=========  ===============  =====================================================

A test's tier is the first of rehearsal, terraform, browser, model (model, aws or install)
whose marker it has, else check. ``pytest --tier check`` runs one tier (the pull request's
parallel jobs do; ``make check`` runs the check tier); without it every test runs.
Under pytest-xdist, the most expensive tiers are handed out first, so the longest tests do
not begin last; their order within a tier stays pytest-randomly's. A rehearsal test that
waits for nothing goes in front of a story that begins by waiting for the administrator's
setup. While the rehearsal's stories run, every other test runs at a lower CPU priority,
and the stories by the rank of their timeouts (the longest at full priority): the stories are the
critical path, and on two cores they ran nearly twice as long when they shared the CPU
evenly; the longest of them end the suite.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TypeVar

import pytest

T = TypeVar("T")

MARKED_BY: Final = {
    "trained": "model",
    "moto_server": "aws",
    "installed": "install",
    "terraform": "terraform",
    "browser": "browser",
    "rehearsal": "rehearsal",
}
MARKERS: Final = {
    "model": "uses the model trained on the real data",
    "aws": "uses a moto server",
    "install": "installs an image's dependency set into a clean folder",
    "terraform": "runs the terraform binary",
    "browser": "drives headless Chromium",
    "rehearsal": "runs the workflows with act",
}
# The niceness of the tests that wait their turn behind the rehearsal's stories: 5 gives a
# story's process about three times the CPU share of one of theirs, not all of it, so they
# still progress while a story trains a model or starts terraform.
BEHIND_THE_STORIES: Final = 5
# The niceness of the rehearsal's stories, by their timeouts: the longest keeps its CPU
# priority (it ends the suite, so it decides when the suite does), the next longest gives it
# a little way (the kernel's weights for niceness 1 and 0: 820 and 1024), so that the two
# end together rather than the longest alone on the machine at the end; the others get
# about two-thirds of its share (niceness 2: 655).
BY_LENGTH: Final = (0, 1)
BESIDE_THE_LONGEST: Final = 2
NICENESS: Final = pytest.StashKey[int]()
# The fixture of a rehearsal story that begins by waiting for the administrator's setup
# (applied once a run, by `make test` beside its lint or by the first story to begin, and
# loaded by the others: tests/rehearsal/administered.py).
WAITS_FOR_SETUP: Final = "administered"
TIER: Final = pytest.StashKey[str]()
# How many of the collected tests fall in each tier, counted before ``--tier`` deselects any:
# reported after collection, so one tier job's log shows how the whole suite splits.
TIER_COUNTS: Final = pytest.StashKey[dict[str, int]]()
# The tiers, most expensive first, and the markers that put a test in each.
TIERS: Final = {
    "rehearsal": ("rehearsal",),
    "terraform": ("terraform",),
    "browser": ("browser",),
    "model": ("model", "aws", "install"),
    "check": (),
}


def markers_of(fixtures: Iterable[str]) -> set[str]:
    return {MARKED_BY[name] for name in fixtures if name in MARKED_BY}


def tier_of(markers: Iterable[str]) -> str:
    found = set(markers)
    return next(tier for tier, marks in TIERS.items() if found & set(marks) or not marks)


def shares(total: int, workers: int) -> list[int]:
    """How many tests each worker is first handed: pytest-xdist's worksteal scheduler gives
    each idle worker an even, contiguous share of what is pending, in turn."""
    sizes = []
    for index in range(workers):
        sizes.append(total // (workers - index))
        total -= sizes[-1]
    return sizes


def spread(
    items: Sequence[T], workers: int, tiers: Sequence[str], ahead: Mapping[T, T] | None = None
) -> list[T]:
    """``items`` (most expensive tier first) reordered so that each worker's first share
    holds as few of the rehearsal's long tests as can be, at its head, each followed by the
    cheapest test there is, and the others dealt in turn: worksteal steals only from the
    tails of queues, so two long tests in one share would run one after the other while
    another worker idles; and a worker takes its next test off its queue before it runs the
    current one, so whatever follows a long test waits for it, stealing or not.
    ``ahead`` maps a long test to one dealt just before it, in the same share: a story that
    would wait at its start anyway lets a rehearsal test that waits for nothing go first."""
    sizes = shares(len(items), workers)
    dealt: list[list[T]] = [[] for _ in sizes]

    def room() -> list[int]:
        return [s for s in range(workers) if len(dealt[s]) < sizes[s]]

    fronts = dict(ahead or {})
    longest = [
        item
        for item, tier in zip(items, tiers, strict=True)
        if tier == "rehearsal" and item not in fronts.values()
    ]
    rest = [item for item, tier in zip(items, tiers, strict=True) if tier != "rehearsal"]
    for item in longest:
        index = min(room(), key=lambda s: (len(dealt[s]), s))
        front = fronts.get(item)
        if front is not None and sizes[index] - len(dealt[index]) >= 2:
            dealt[index].append(front)
        elif front is not None:  # no room for both: the front one is dealt as a story
            longest.append(front)
        dealt[index].append(item)
        if rest and len(dealt[index]) < sizes[index]:
            dealt[index].append(rest.pop())  # the last of the rest: of the cheapest tier
    for item in rest:
        dealt[min(room(), key=lambda s: len(dealt[s]) / sizes[s])].append(item)
    return [item for share in dealt for item in share]


def timeout_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    return float(marker.args[0]) if marker and marker.args else math.inf


def fronts(items: Sequence[pytest.Item]) -> dict[pytest.Item, pytest.Item]:
    """The rehearsal tests that wait for nothing, each to be dealt in front of a story that
    waits at its start for the administrator's setup (which the first story to begin
    applies while the others wait): the shortest stories by their timeouts, the longest
    left alone, so that one story begins at once."""
    rehearsal = [item for item in items if item.stash[TIER] == "rehearsal"]
    waits = {item: WAITS_FOR_SETUP in getattr(item, "fixturenames", ()) for item in rehearsal}
    free = [item for item in rehearsal if not waits[item]]
    waiting = [item for item in rehearsal if waits[item]]
    return dict(zip(sorted(waiting, key=timeout_of)[:-1], free, strict=False))


def story_niceness(items: Sequence[pytest.Item]) -> dict[pytest.Item, int]:
    """The niceness of each rehearsal test, by the rank of its timeout among theirs (equal
    timeouts, equal niceness): BY_LENGTH's, then BESIDE_THE_LONGEST."""
    stories = [item for item in items if item.stash[TIER] == "rehearsal"]
    lengths = sorted({timeout_of(story) for story in stories}, reverse=True)
    ranked = [*BY_LENGTH, *[BESIDE_THE_LONGEST] * len(lengths)]
    niceness = dict(zip(lengths, ranked, strict=False))
    return {story: niceness[timeout_of(story)] for story in stories}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tier",
        choices=tuple(TIERS),
        help="run only the tests of this tier (tests/support/tiers.py says which is which)",
    )


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning} (set from its fixtures)")


@pytest.hookimpl(trylast=True)  # after pytest-randomly has shuffled them
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        found = markers_of(getattr(item, "fixturenames", ()))
        for marker in sorted(found):
            item.add_marker(marker)
        item.stash[TIER] = tier_of(found)
    config.stash[TIER_COUNTS] = tier_counts(item.stash[TIER] for item in items)
    wanted = config.getoption("--tier")
    if wanted:
        kept = [item for item in items if item.stash[TIER] == wanted]
        dropped = [item for item in items if item.stash[TIER] != wanted]
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the scheduler takes this order
        order = list(TIERS)
        items.sort(key=lambda item: order.index(item.stash[TIER]))  # stable: random in a tier
        tiers = [item.stash[TIER] for item in items]
        items[:] = spread(items, config.workerinput["workercount"], tiers, fronts(items))
        for story, niceness in story_niceness(items).items():
            story.stash[NICENESS] = niceness


def tier_counts(tiers: Iterable[str]) -> dict[str, int]:
    """How many tests each tier has, in TIERS' order (a tier without tests counts 0)."""
    counted = Counter(tiers)
    return {tier: counted[tier] for tier in TIERS}


def describe_counts(counts: Mapping[str, int]) -> str:
    return "tiers: " + ", ".join(f"{tier} {count}" for tier, count in counts.items())


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    """One line: every tier's share of what was collected (none under pytest-xdist's
    controller, which collects nothing itself)."""
    counts = config.stash.get(TIER_COUNTS, None)
    return [] if counts is None else [describe_counts(counts)]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On a pytest-xdist worker, a test outside the rehearsal lowers the worker's priority,
    and a rehearsal test to its story's niceness (for good: only root may raise it again;
    the stories lead their shares)."""
    if not hasattr(item.config, "workerinput"):
        return
    if item.stash.get(TIER, None) != "rehearsal":
        os.nice(max(0, BEHIND_THE_STORIES - os.nice(0)))
    else:
        os.nice(max(0, item.stash.get(NICENESS, BESIDE_THE_LONGEST) - os.nice(0)))
