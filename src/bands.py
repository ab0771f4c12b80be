"""Risk bands: the model's probability in three words, the same for the API, the UI and
every scoring run. Pure Python (the Lambda imports it).

low: below the model's threshold; medium: at or above it, below ``HIGH_RISK_FROM``;
high: ``HIGH_RISK_FROM`` or more (and at or above the threshold).
"""

from __future__ import annotations

from typing import Final, Literal

RiskBand = Literal["low", "medium", "high"]
BANDS: Final[tuple[RiskBand, ...]] = ("low", "medium", "high")
HIGH_RISK_FROM: Final = 0.5


def band_cuts(threshold: float) -> tuple[float, float]:
    """Where medium and high begin. A band's index is the number of cuts a probability
    reaches, so a vectorized caller applies the same rule with one comparison per cut."""
    return threshold, max(threshold, HIGH_RISK_FROM)


def risk_band(probability: float, threshold: float) -> RiskBand:
    return BANDS[sum(probability >= cut for cut in band_cuts(threshold))]


def band_rules(threshold: float) -> dict[str, str]:
    medium, high = band_cuts(threshold)
    return {
        "low": f"probability below the threshold {medium:g}",
        "medium": f"from {medium:g} up to {HIGH_RISK_FROM:g}",
        "high": f"{high:g} or more",
    }
