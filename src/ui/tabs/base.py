"""The customer base: the latest scoring run of every customer (churn-score), its counts
per band, its drift report, and its riskiest customers a page at a time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from churn.ui.answers import Drift, ScoredCustomers
from churn.ui.api import api_client, latest_scores, parsed
from churn.ui.client import ApiError

PAGE_ROWS = 25


def show() -> None:
    try:
        run = latest_scores()
    except ApiError as error:
        if error.status == 404:
            st.info(f"No scoring run to show yet ({error}). The *score* workflow publishes one.")
        else:
            st.error(f"The scoring run cannot be read: {error}")
        return
    rows = run.rows
    st.markdown(
        f"**Run {run.run}** of {run.created_at}: model {run.model_version}, "
        f"{rows['scored']:,} customers scored ({rows['rejected']:,} rejected)."
    )
    for column, (band, count) in zip(st.columns(3), run.bands.items(), strict=True):
        share = count / rows["scored"] if rows["scored"] else 0.0
        column.metric(f"{band.capitalize()} risk ({share:.1%})", f"{count:,}")
    show_drift(run.drift)
    show_riskiest(list(run.bands))


def show_drift(drift: Drift) -> None:
    st.subheader("Drift against the training data")
    {"act": st.error, "watch": st.warning}.get(drift.status, st.success)(drift.advice)
    if drift.status == "unavailable" or drift.score is None:
        return
    fields = pd.DataFrame(
        [{"field": entry.label, "PSI": entry.psi, "status": entry.status} for entry in drift.fields]
    )
    st.dataframe(fields.round(4), hide_index=True, key="base.drift")
    st.caption(
        f"Scores: PSI {drift.score.psi:.4f}; mean churn probability {drift.score.mean:.1%} "
        f"against {drift.score.reference_mean:.1%} on held-out training customers."
    )


def show_riskiest(bands: list[str]) -> None:
    """``bands``: the run's, lowest risk first (the API's order)."""
    st.subheader("The riskiest customers")
    band_column, search_column, page_column = st.columns(3)
    choices = ["all", *reversed(bands)]
    band = band_column.selectbox("Risk band", choices, key="base.band")
    search = search_column.text_input("Customer ID contains", key="base.search", max_chars=64)
    page = int(page_column.number_input("Page", min_value=1, value=1, key="base.page"))
    try:
        answer = parsed(
            ScoredCustomers,
            api_client().scored_customers(
                offset=(page - 1) * PAGE_ROWS,
                limit=PAGE_ROWS,
                band=None if band == "all" else band,
                search=search or None,
            ),
        )
    except ApiError as error:
        st.error(f"The customers cannot be read: {error}")
        return
    if not answer.customers:
        st.info("No customer on this page matches.")
        return
    table = pd.DataFrame(
        [
            {
                "customerID": customer.customerID,
                "churn probability": customer.churn_probability,
                "risk band": customer.risk_band,
                "why": "; ".join(f"{d.label} ({d.contribution:+.2f})" for d in customer.drivers),
            }
            for customer in answer.customers
        ]
    )
    st.dataframe(table, hide_index=True, key="base.customers")
    first = answer.offset + 1
    last = first + len(answer.customers) - 1
    st.caption(
        f"{first:,} to {last:,} of {answer.total:,} (the riskiest customers the run kept, "
        "riskiest first)."
    )
