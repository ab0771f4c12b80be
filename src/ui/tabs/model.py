"""The model: its version and threshold, its quality beside the baseline, its curves,
what it leans on, and its model card."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from churn.ui.answers import ModelInfo


def show(model: ModelInfo) -> None:
    st.write(f"Model **{model.model_version}**, decision threshold **{model.threshold:.3f}**.")
    st.caption(f"Release **{model.release}**." if model.release else "Not a release: a local run.")
    bands = ", ".join(f"{band}: {rule}" for band, rule in model.risk_bands.items())
    st.caption(f"Risk bands — {bands}.")
    st.subheader("Quality, beside the logistic-regression baseline")
    st.table(pd.DataFrame(model.metrics.table()).round(4), hide_index=True)
    curves = model.curves
    left, right = st.columns(2)
    with left:
        st.subheader("ROC curve (test split)")
        st.altair_chart(_line(curves["roc"], "fpr", "tpr"), width="stretch")
        st.subheader("Calibration")
        st.altair_chart(
            _line(curves["calibration"], "mean_predicted", "observed_rate"), width="stretch"
        )
    with right:
        st.subheader("Precision-recall (test split)")
        st.altair_chart(_line(curves["precision_recall"], "recall", "precision"), width="stretch")
        st.subheader("Feature importance (share of gain)")
        importance = pd.DataFrame([i.model_dump() for i in model.feature_importance[:15]])
        bars = (
            alt.Chart(importance)
            .mark_bar()
            .encode(
                alt.X("share_of_gain:Q", title="share of gain"),
                alt.Y("feature:N", sort="-x", axis=alt.Axis(labelLimit=260)),
            )
        )
        st.altair_chart(bars, width="stretch")
    with st.expander("Model card"):
        st.markdown(model.model_card)


def _line(curve: dict[str, list[float]], x: str, y: str) -> alt.Chart:
    frame = pd.DataFrame({x: curve[x], y: curve[y]})
    unit = alt.Scale(domain=[0, 1])
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(point=len(frame) <= 20)
        .encode(alt.X(f"{x}:Q", scale=unit), alt.Y(f"{y}:Q", scale=unit))
    )
    return chart
