"""Score a customer: a form of the contract's fields, then why (the drivers) and what
would keep them (the levers)."""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st

from churn import contract
from churn.ui.answers import ContractField, Explanation, Levers, ModelInfo, Prediction
from churn.ui.api import api_client, parsed
from churn.ui.client import ApiError

BAND_COLOURS: dict[str, Literal["green", "orange", "red"]] = {
    "low": "green",
    "medium": "orange",
    "high": "red",
}
GROUP_TITLES = {"account": "Account", "services": "Services", "billing": "Billing"}
CHART_DRIVERS = 8  # the chart's bars: the largest drivers, the rest summed in one bar
# Fields that others depend on: outside the form, so a change re-renders the dependants.
PARENT_FIELDS = {"PhoneService": ("MultipleLines",), "InternetService": contract.INTERNET_ADDONS}
NOT_APPLICABLE = {"PhoneService": contract.NO_PHONE, "InternetService": contract.NO_INTERNET}


def _parent_absent(name: str) -> bool:
    """Whether the service ``name`` depends on is switched off ("No")."""
    for parent, dependants in PARENT_FIELDS.items():
        if name in dependants:
            return st.session_state.get(f"customer.{parent}") == "No"
    return False


def _field_widget(field: ContractField, default: Any) -> Any:
    name, key, label = field.name, f"customer.{field.name}", field.label
    if field.kind == "categorical":
        levels = field.levels
        parent = next((p for p, deps in PARENT_FIELDS.items() if name in deps), None)
        if parent is not None:
            if _parent_absent(name):
                only = NOT_APPLICABLE[parent]
                return st.selectbox(
                    label, [only], key=f"{key}.absent", disabled=True, help=field.description
                )
            levels = [level for level in levels if level != NOT_APPLICABLE[parent]]
        index = levels.index(default) if default in levels else 0
        return st.selectbox(label, levels, index=index, key=key, help=field.description)
    integer = field.kind == "integer"
    return st.number_input(
        f"{label} ({field.unit})",
        min_value=int(field.minimum) if integer else field.minimum,
        max_value=int(field.maximum) if integer else field.maximum,
        value=int(default) if integer else float(default),
        step=1 if integer else 0.05,
        key=key,
        help=field.description,
    )


def _customer_defaults(model: ModelInfo) -> dict[str, Any]:
    example = dict(model.examples[0])
    if example.get("SeniorCitizen") in (0, 1):
        example["SeniorCitizen"] = "Yes" if example["SeniorCitizen"] else "No"
    return example


def show(model: ModelInfo) -> None:
    fields = {field.name: field for field in model.contract}
    defaults = _customer_defaults(model)
    st.caption(f"Defaults are a real customer ({defaults.get('customerID', 'from the data')}).")
    parents = st.columns(len(PARENT_FIELDS))
    values: dict[str, Any] = {}
    for column, parent in zip(parents, PARENT_FIELDS, strict=True):
        with column:
            values[parent] = _field_widget(fields[parent], defaults[parent])
    with st.form("customer"):
        columns = st.columns(len(GROUP_TITLES))
        for column, (group, title) in zip(columns, GROUP_TITLES.items(), strict=True):
            with column:
                st.subheader(title)
                for field in model.contract:
                    if field.group == group and field.name not in PARENT_FIELDS:
                        values[field.name] = _field_widget(field, defaults[field.name])
        submitted = st.form_submit_button(
            "Score this customer", type="primary", key="customer.submit"
        )
    if submitted:
        try:
            result = parsed(Prediction, api_client().predict(values, drivers=CHART_DRIVERS))
            levers = parsed(Levers, api_client().levers(values))
            st.session_state["customer.result"] = result
            st.session_state["customer.levers"] = levers
        except ApiError as error:
            st.session_state.pop("customer.result", None)
            st.error(f"Could not score the customer: {error}")
    if shown := st.session_state.get("customer.result"):
        show_prediction(shown)
        left, right = st.columns(2)
        with left:
            show_drivers(shown.explanation, fields)
        with right:
            show_levers(st.session_state["customer.levers"])


def show_prediction(result: Prediction) -> None:
    probability = result.churn_probability
    verdict = "likely to churn" if result.churn else "likely to stay"
    left, middle, right = st.columns(3)
    left.metric("Churn probability", f"{probability:.2%}")
    middle.metric(
        "At the model's threshold",
        verdict.capitalize(),
        help=f"Churn is predicted from {result.threshold:.0%} up.",
    )
    with right:
        st.markdown("**Risk band**")
        st.badge(result.risk_band, color=BAND_COLOURS[result.risk_band])
    st.progress(probability, text=f"{probability:.1%} (threshold {result.threshold:.0%})")
    st.caption(f"Answered by model {result.model_version}.")


def show_drivers(explanation: Explanation, fields: dict[str, ContractField]) -> None:
    st.subheader("Why: what moved this customer's risk")
    rows = [
        {
            "driver": f"{driver.label}: {driver.value} {fields[driver.field].unit or ''}".strip(),
            "contribution": driver.contribution,
        }
        for driver in explanation.drivers
    ]
    others = len(fields) - len(rows)
    if others:
        rows.append({"driver": f"{others} other fields", "contribution": explanation.other_fields})
    frame = pd.DataFrame(rows)
    frame["effect"] = ["raises risk" if c > 0 else "lowers risk" for c in frame["contribution"]]
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            alt.X("contribution:Q", title="contribution to the log-odds of churn"),
            alt.Y("driver:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            alt.Color(
                "effect:N",
                scale=alt.Scale(
                    domain=["raises risk", "lowers risk"], range=["#d62728", "#2ca02c"]
                ),
            ),
            tooltip=["driver", alt.Tooltip("contribution:Q", format="+.3f")],
        )
    )
    st.altair_chart(bars, width="stretch", key="customer.drivers")
    st.caption(
        f"From the model's average ({explanation.base_value:+.2f}) to this customer "
        f"({explanation.margin:+.2f}), in log-odds. What the model has learnt to associate "
        "with churn, not its causes."
    )


def show_levers(levers: Levers) -> None:
    st.subheader("What if: offers that would lower the risk")
    if not levers.levers:
        st.info("None of the offers the contract declares would lower this customer's risk.")
        return
    today = levers.churn_probability
    rows = [
        {
            "offer": lever.description[0].upper() + lever.description[1:],
            "churn probability": f"{today:.0%} → {lever.churn_probability:.0%}",
            "change": f"{lever.change * 100:+.1f} points",
        }
        for lever in levers.levers
    ]
    st.table(pd.DataFrame(rows), hide_index=True)
    st.caption(
        "Each offer alone, everything else about the customer unchanged, as the model sees it."
    )
