"""The test tiers (tests/support/tiers.py): a test's markers and tier follow from its
fixtures, and under pytest-xdist the long tests start first, one per worker."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import cast

import pytest

from tests.support import tiers
from tests.support.tiers import TIERS, markers_of, shares, spread, tier_of


@pytest.mark.parametrize(
    ("fixtures", "markers", "tier"),
    [
        ((), set(), "check"),
        (("tmp_path", "data_path"), set(), "check"),
        (("trained", "bundle_dir"), {"model"}, "model"),
        (("moto_server", "aws_env"), {"aws"}, "model"),
        (("installed",), {"install"}, "model"),
        (("trained", "browser"), {"model", "browser"}, "browser"),
        (("moto_server", "terraform", "trained"), {"aws", "terraform", "model"}, "terraform"),
        (("rehearsal", "terraform"), {"rehearsal", "terraform"}, "rehearsal"),
    ],
)
def test_the_most_expensive_fixture_decides_the_tier(
    fixtures: tuple[str, ...], markers: set[str], tier: str
) -> None:
    assert markers_of(fixtures) == markers
    assert tier_of(markers) == tier


def test_every_tier_has_a_make_target_and_check_is_the_rest() -> None:
    assert list(TIERS) == ["rehearsal", "terraform", "browser", "model", "check"]
    assert TIERS["check"] == ()


@pytest.mark.parametrize(("total", "workers"), [(1243, 4), (1243, 2), (3, 2), (10, 3), (2, 4)])
def test_the_shares_are_worksteals_first_hand_out(total: int, workers: int) -> None:
    sizes = shares(total, workers)
    assert sum(sizes) == total and len(sizes) == workers
    assert max(sizes) - min(sizes) <= 1


def test_each_worker_starts_with_one_long_test_and_gets_a_mix_of_the_rest() -> None:
    tiers = ["rehearsal"] * 3 + ["terraform"] * 3 + ["model"] * 6 + ["check"] * 12
    items = [f"{tier}-{index}" for index, tier in enumerate(tiers)]
    order = spread(items, 4, tiers)
    assert sorted(order) == sorted(items)
    heads = [order[start] for start in (0, 6, 12, 18)]  # shares of 6
    assert [head.split("-")[0] for head in heads] == ["rehearsal"] * 3 + ["terraform"]
    fourth = order[18:]
    assert {item.split("-")[0] for item in fourth} == {"terraform", "model", "check"}


def test_behind_each_long_test_waits_the_cheapest() -> None:
    """What a worker holds behind the test it runs cannot be stolen (pytest-xdist takes it
    off the queue first): behind a long test, it is a test of the check tier."""
    tiers = ["rehearsal"] * 3 + ["terraform"] * 3 + ["model"] * 6 + ["check"] * 12
    items = [f"{tier}-{index}" for index, tier in enumerate(tiers)]
    order = spread(items, 4, tiers)
    behind = [order[start + 1] for start in (0, 6, 12)]
    assert [item.split("-")[0] for item in behind] == ["check"] * 3
    assert spread(["A", "B", "c"], 2, ["rehearsal", "rehearsal", "check"]) == ["A", "B", "c"]


def test_with_fewer_workers_than_long_tests_the_long_tests_still_lead() -> None:
    tiers = ["rehearsal"] * 3
    assert spread(["A", "B", "C"], 2, tiers) == ["A", "B", "C"]  # shares of 1 and 2


def test_a_test_dealt_ahead_of_a_story_runs_just_before_it_on_its_worker() -> None:
    tiers = ["rehearsal"] * 4 + ["check"] * 12  # shares of 4
    items = ["A", "B", "C", "f", *(f"c{index}" for index in range(12))]
    order = spread(items, 4, tiers, ahead={"B": "f"})
    assert sorted(order) == sorted(items)
    shares = [order[start : start + 4] for start in (0, 4, 8, 12)]
    assert [share[0] for share in shares[:3]] == ["A", "f", "C"]
    assert shares[1][1] == "B"  # on f's worker, next: it waits for nothing else
    assert not {"A", "B", "C", "f"} & set(shares[3])  # a worker free for the rest
    # No room for both in a share of one: the test is dealt as a long test of its own.
    assert spread(["A", "f"], 2, ["rehearsal"] * 2, ahead={"A": "f"}) == ["A", "f"]


@dataclass(eq=False)  # hashable by identity, as pytest's items are
class Story:
    name: str
    timeout: float
    waits: bool
    tier: str = "rehearsal"

    @property
    def stash(self) -> dict[object, str]:
        return {tiers.TIER: self.tier}

    @property
    def fixturenames(self) -> list[str]:
        return ["rehearsal", *([tiers.WAITS_FOR_SETUP] * self.waits)]

    def get_closest_marker(self, name: str) -> SimpleNamespace | None:
        return SimpleNamespace(args=(self.timeout,)) if name == "timeout" else None


def test_a_test_that_waits_for_nothing_goes_in_front_of_the_shortest_waiting_story() -> None:
    long, middle, short = (
        Story("long", 2700, True),
        Story("middle", 2400, True),
        Story("short", 1800, True),
    )
    free, check = Story("free", 900, False), Story("check", 60, False, "check")
    paired = tiers.fronts(as_items(long, free, check, middle, short))
    assert {s.name: f.name for s, f in paired.items()} == {"short": "free"}
    # A lone story applies the setup itself: nothing waits, nothing goes in front.
    assert tiers.fronts(as_items(long, free)) == {}
    twin = Story("twin", 2700, True)
    found = tiers.story_niceness(as_items(middle, free, check, long, short, twin))
    assert {story.name: niceness for story, niceness in found.items()} == {
        "long": 0, "twin": 0, "middle": 1, "short": 2, "free": 2,
    }  # fmt: skip
    assert tiers.story_niceness(as_items(check)) == {}


def as_items(*stories: Story) -> list[pytest.Item]:
    return cast("list[pytest.Item]", list(stories))


def test_a_worker_gives_way_to_the_stories_once_it_runs_anything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    niceness = [0]

    def nice(increment: int) -> int:
        niceness[0] += increment
        return niceness[0]

    monkeypatch.setattr("os.nice", nice)

    def run(tier: str, worker: bool = True, story: int | None = None) -> int:
        config = SimpleNamespace(workerinput={}) if worker else SimpleNamespace()
        stash: dict[object, object] = {tiers.TIER: tier}
        if story is not None:
            stash[tiers.NICENESS] = story
        tiers.pytest_runtest_setup(SimpleNamespace(config=config, stash=stash))  # type: ignore[arg-type]
        return niceness[0]

    assert run("check", worker=False) == 0  # one process: nothing to give way to
    assert run("rehearsal", story=0) == 0  # the longest story keeps its priority
    assert run("rehearsal", story=1) == 1  # the next gives it a little way
    assert run("rehearsal") == tiers.BESIDE_THE_LONGEST  # the others more
    assert run("rehearsal", story=1) == tiers.BESIDE_THE_LONGEST  # once, not once per story
    assert run("terraform") == tiers.BEHIND_THE_STORIES
    assert run("check") == tiers.BEHIND_THE_STORIES  # once, not once per test
    assert run("rehearsal", story=0) == tiers.BEHIND_THE_STORIES  # never raised again


def test_the_tier_counts_name_every_tier_in_order() -> None:
    counts = tiers.tier_counts(["check", "model", "check", "rehearsal"])
    assert counts == {"rehearsal": 1, "terraform": 0, "browser": 0, "model": 1, "check": 2}
    assert list(counts) == list(tiers.TIERS)
    assert tiers.describe_counts(counts) == (
        "tiers: rehearsal 1, terraform 0, browser 0, model 1, check 2"
    )
