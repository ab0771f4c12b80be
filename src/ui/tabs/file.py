"""Score a file: a CSV of customers checked against the contract, scored in batches, shown
riskiest first, downloadable, and evaluated when it carries ``Churn``."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from churn import contract
from churn.ui.api import api_client
from churn.ui.client import ApiError
from churn.ui.scoring import FileError, ScoredFile, confusion, parse_file, roc_auc, score_file
from churn.ui.settings import UiSettings
from churn.ui.tabs.customer import BAND_COLOURS


def show() -> None:
    st.write("Upload a CSV in the data set's format (with or without `Churn`).")
    upload = st.file_uploader("Customers (CSV)", type=["csv"], key="file.upload")
    if upload is not None and st.button("Score the file", type="primary", key="file.submit"):
        st.session_state.pop("file.result", None)
        try:
            parsed = parse_file(upload.getvalue())
            bar = st.progress(0.0, text="Scoring…")
            st.session_state["file.result"] = score_file(
                api_client(),
                parsed,
                UiSettings().batch_rows,
                lambda done, total: _advance(bar, done, total),
            )
            st.session_state["file.name"] = upload.name
            st.session_state["file.ignored"] = parsed.ignored_columns
        except FileError as error:
            st.error(f"This file cannot be scored: {error}")
        except ApiError as error:
            st.error(f"Scoring stopped: {error}")
    scored: ScoredFile | None = st.session_state.get("file.result")
    if scored is not None:
        if ignored := st.session_state.get("file.ignored"):
            st.info(f"Columns not in the contract were ignored: {', '.join(ignored)}.")
        show_scored_file(scored, st.session_state.get("file.name", "customers.csv"))


def _advance(bar: Any, done: int, total: int) -> None:
    bar.progress(done / max(total, 1), text=f"Scored {done} of {total}")


def show_scored_file(scored: ScoredFile, name: str) -> None:
    table = scored.table
    st.success(
        f"{len(table)} customers scored, {len(scored.problems)} rejected "
        f"(model {scored.model_version})."
    )
    if not table.empty:
        st.subheader("Customers by churn risk")
        st.dataframe(table, hide_index=True, key="file.table")
        st.download_button(
            "Download the scored CSV",
            table.to_csv(index=False).encode(),
            file_name=name.removesuffix(".csv") + "-scored.csv",
            mime="text/csv",
            key="file.download",
        )
        histogram = (
            alt.Chart(table)
            .mark_bar()
            .encode(
                alt.X("churn_probability:Q", bin=alt.Bin(maxbins=20), title="churn probability"),
                alt.Y("count():Q", title="customers"),
                alt.Color(
                    "risk_band:N",
                    scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())),
                ),
            )
        )
        st.altair_chart(histogram, width="stretch")
        if "actual_churn" in table:
            show_file_evaluation(table)
    if scored.problems:
        st.subheader("Rejected rows")
        problems = pd.DataFrame(
            [(p.line, p.customer_id, p.reason) for p in scored.problems],
            columns=["line", contract.ID_COLUMN, "reason"],
        )
        st.table(problems, hide_index=True)


def show_file_evaluation(table: pd.DataFrame) -> None:
    st.subheader("How the model did on this file")
    auc = roc_auc(table["actual_churn"].tolist(), table["churn_probability"].tolist())
    st.metric("ROC-AUC", "n/a (one class only)" if auc is None else f"{auc:.3f}")
    st.table(confusion(table["actual_churn"].tolist(), table["churn"].tolist()))
