"""Scoring the whole customer base: ``churn-score`` (contract-checked in chunks, scored,
explained, drift-reported), run on a laptop, in the training image or in CI."""
