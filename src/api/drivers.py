"""Exact TreeSHAP contributions of a customer's encoded features to the model's log-odds,
in pure Python, from the booster's own JSON document (no xgboost, numpy or pandas).

They are the Shapley values xgboost's ``predict(pred_contribs=True)`` gives: each tree's
value function is the path-dependent expectation (a feature outside the coalition follows
both branches, weighted by the training cover, ``sum_hessian``). For one leaf whose path
tests the distinct features P (d of them), with z_j the product of the cover fractions of
j's edges on the path and o_j = 1 when the customer takes all of them (else 0), feature i
gets::

    value * (o_i - z_i) * sum over S within {j in P, j != i, o_j = 1} of
        |S|! (d - |S| - 1)! / d! * prod of z_j over j in P - S - {i}

which depends on the customer only through which path features it agrees with. A tree
is compiled once, at load, into a table indexed by the customer's decisions at all its
split nodes; explaining a customer is then one comparison per split node and one table
lookup per tree. Trees with more split nodes than ``PATTERN_LIMIT`` (a depth above 3)
are explained leaf by leaf from the same per-leaf tables instead.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from churn import contract
from churn.errors import RefusedError
from churn.features import PreprocessingSpec

# 2^8 decision patterns at most per tree: max_depth <= 3 always fits (7 split nodes).
PATTERN_LIMIT: Final = 8
LEAF: Final = -1


class TreeModelError(RefusedError, ValueError):
    """The booster document is not a model these drivers can explain."""


def float32(value: float) -> float:
    """``value`` rounded as xgboost stores features and split conditions: a split compares
    float32s, and a customer whose value rounds onto a threshold goes right, not left."""
    rounded: float = struct.unpack("f", struct.pack("f", value))[0]
    return rounded


class PathFeature(NamedTuple):
    """One distinct feature on a leaf's path: the split nodes that test it (a mask over the
    tree's decision bits), the decisions the path takes there, and the share of the
    training cover that follows the path through them."""

    mask: int
    wanted: int
    zero_fraction: float


@dataclass(frozen=True)
class Leaf:
    """A leaf's value, the distinct features on its path with the (mask, wanted) decisions
    that agree with each, and its contributions to them per agreement set (bit i set: the
    customer agrees with the path on feature i)."""

    value: float
    features: tuple[int, ...]
    conditions: tuple[tuple[int, int], ...]
    table: tuple[tuple[float, ...], ...]

    def agreement(self, decisions: int) -> int:
        bits = 0
        for position, (mask, wanted) in enumerate(self.conditions):
            if decisions & mask == wanted:
                bits |= 1 << position
        return bits


@dataclass(frozen=True)
class CompiledTree:
    splits: tuple[tuple[int, float], ...]  # (feature, float32 threshold) per split node
    leaves: tuple[Leaf, ...]
    expected_value: float
    # Summed contributions (feature, value) per decision pattern, or () past PATTERN_LIMIT.
    patterns: tuple[tuple[tuple[int, float], ...], ...]

    def decisions(self, values: Sequence[float]) -> int:
        """Bit k set: the customer goes left at split node k."""
        pattern = 0
        for k, (feature, threshold) in enumerate(self.splits):
            if values[feature] < threshold:
                pattern |= 1 << k
        return pattern

    def add_contributions(self, values: Sequence[float], into: list[float]) -> None:
        decisions = self.decisions(values)
        if self.patterns:
            for feature, contribution in self.patterns[decisions]:
                into[feature] += contribution
            return
        for feature, contribution in _leaf_contributions(self.leaves, decisions):
            into[feature] += contribution


@dataclass(frozen=True)
class Explanation:
    base_value: float  # the model's expected log-odds: where every explanation starts
    contributions: list[float]  # per encoded feature, in the spec's order

    @property
    def margin(self) -> float:
        return self.base_value + math.fsum(self.contributions)


class TreeExplainer:
    """Drivers of one booster: built once per bundle, then cheap per customer."""

    def __init__(self, booster_document: bytes) -> None:
        learner = _learner(booster_document)
        self.width = int(learner["learner_model_param"]["num_feature"])
        trees = learner["gradient_booster"]["model"]["trees"]
        self.trees = tuple(_compile(tree, self.width) for tree in trees)
        self.base_value = _base_margin(learner) + math.fsum(t.expected_value for t in self.trees)

    def explain(self, vector: Sequence[float]) -> Explanation:
        if len(vector) != self.width:
            raise ValueError(f"{len(vector)} features given; the model has {self.width}")
        values = [float32(value) for value in vector]
        contributions = [0.0] * self.width
        for tree in self.trees:
            tree.add_contributions(values, contributions)
        return Explanation(self.base_value, contributions)


def _learner(document: bytes) -> dict[str, Any]:
    try:
        learner: dict[str, Any] = json.loads(document)["learner"]
        objective = learner["objective"]["name"]
        booster = learner["gradient_booster"]["name"]
    except (ValueError, KeyError, TypeError) as error:
        raise TreeModelError(f"not an XGBoost JSON model ({error!r})") from None
    if objective != "binary:logistic" or booster != "gbtree":
        raise TreeModelError(f"a {booster} {objective} model: only gbtree binary:logistic")
    return learner


def _base_margin(learner: dict[str, Any]) -> float:
    # xgboost >= 2 writes the intercept as a one-element vector ("[5E-1]"), 1.7 as "5E-1".
    base_score = float(str(learner["learner_model_param"]["base_score"]).strip("[]"))
    return math.log(base_score / (1.0 - base_score))


def _compile(tree: dict[str, Any], width: int) -> CompiledTree:
    left, right = tree["left_children"], tree["right_children"]
    if any(kind != 0 for kind in tree["split_type"]):
        raise TreeModelError("categorical splits are not supported")
    split_nodes = [node for node, child in enumerate(left) if child != LEAF]
    bit = {node: 1 << k for k, node in enumerate(split_nodes)}
    splits = tuple(
        (int(tree["split_indices"][node]), float32(tree["split_conditions"][node]))
        for node in split_nodes
    )
    if any(not 0 <= feature < width for feature, _ in splits):
        raise TreeModelError("a split on a feature the model does not have")
    leaves: list[Leaf] = []
    expected = 0.0
    stack: list[tuple[int, dict[int, PathFeature]]] = [(0, {})]
    cover = tree["sum_hessian"]
    while stack:
        node, path = stack.pop()
        if left[node] == LEAF:
            leaf = _leaf(float(tree["split_conditions"][node]), path)
            expected += leaf.value * math.prod(f.zero_fraction for f in path.values())
            leaves.append(leaf)
            continue
        feature = int(tree["split_indices"][node])
        for child, goes_left in ((left[node], True), (right[node], False)):
            mask, wanted, fraction = path.get(feature, PathFeature(0, 0, 1.0))
            step = PathFeature(
                mask | bit[node],
                wanted | (bit[node] if goes_left else 0),
                fraction * cover[child] / cover[node],
            )
            stack.append((child, {**path, feature: step}))
    patterns: tuple[tuple[tuple[int, float], ...], ...] = ()
    if len(split_nodes) <= PATTERN_LIMIT:
        patterns = tuple(_summed(leaves, d) for d in range(1 << len(split_nodes)))
    return CompiledTree(splits, tuple(leaves), expected, patterns)


def _leaf(value: float, path: dict[int, PathFeature]) -> Leaf:
    zero = [f.zero_fraction for f in path.values()]
    table = tuple(
        tuple(_contribution(value, zero, agreed, i) for i in range(len(path)))
        for agreed in range(1 << len(path))
    )
    conditions = tuple((f.mask, f.wanted) for f in path.values())
    return Leaf(value, tuple(path), conditions, table)


def _contribution(value: float, zero: list[float], agreed: int, i: int) -> float:
    """Feature i's share of one leaf, for the customer agreeing on the features in ``agreed``."""
    d = len(zero)
    # Coefficients of the polynomial prod over j != i of (z_j + t if j agreed else z_j):
    # the coefficient of t^s sums, over the coalitions S of s agreed features, the product
    # of z_j over the path features outside S and i.
    coefficients = [1.0]
    for j in range(d):
        if j == i:
            continue
        if agreed >> j & 1:
            coefficients = [
                (coefficients[s] * zero[j] if s < len(coefficients) else 0.0)
                + (coefficients[s - 1] if s > 0 else 0.0)
                for s in range(len(coefficients) + 1)
            ]
        else:
            coefficients = [c * zero[j] for c in coefficients]
    weighted = math.fsum(
        c * math.factorial(s) * math.factorial(d - s - 1) / math.factorial(d)
        for s, c in enumerate(coefficients)
    )
    one = 1.0 if agreed >> i & 1 else 0.0
    return value * (one - zero[i]) * weighted


def _summed(leaves: Sequence[Leaf], decisions: int) -> tuple[tuple[int, float], ...]:
    totals: dict[int, float] = {}
    for feature, contribution in _leaf_contributions(leaves, decisions):
        totals[feature] = totals.get(feature, 0.0) + contribution
    return tuple(totals.items())


def _leaf_contributions(leaves: Sequence[Leaf], decisions: int) -> Iterator[tuple[int, float]]:
    """(feature, contribution) of every leaf, for a customer taking ``decisions``."""
    for leaf in leaves:
        yield from zip(leaf.features, leaf.table[leaf.agreement(decisions)], strict=True)


@dataclass(frozen=True)
class Driver:
    """One contract field's share of a customer's log-odds, beside the customer's value."""

    field: str
    value: str | int | float
    contribution: float


def field_drivers(
    spec: PreprocessingSpec, record: contract.Record, explanation: Explanation
) -> list[Driver]:
    """The encoded features' contributions summed back onto the contract's fields (a one-hot
    column belongs to its field), largest effect first; ties keep the contract's order."""
    totals = dict.fromkeys(contract.FIELD_NAMES, 0.0)
    for feature, contribution in zip(spec.features, explanation.contributions, strict=True):
        totals[feature.source] += contribution
    drivers = [Driver(name, record[name], totals[name]) for name in contract.FIELD_NAMES]
    return sorted(drivers, key=lambda driver: -abs(driver.contribution))
