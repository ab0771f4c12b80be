"""The Streamlit page: score a customer (why, and what would keep them), score a file,
look at the model.

Everything it knows about the model comes from the prediction API (`GET /v1/model`): the
fields, their allowed values, the threshold and the metrics. It never loads the model.
"""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st

from churn import contract
from churn.ui.client import ApiClient, ApiError
from churn.ui.scoring import FileError, ScoredFile, confusion, parse_file, roc_auc, score_file
from churn.ui.settings import UiSettings

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


@st.cache_resource
def api_client() -> ApiClient:
    return ApiClient(UiSettings())


@st.cache_data(ttl=300, show_spinner="Asking the API about its model…")
def model_info() -> dict[str, Any]:
    return api_client().model()


# ---------------------------------------------------------------------------------------
# Score a customer
# ---------------------------------------------------------------------------------------


def _parent_absent(name: str) -> bool:
    """Whether the service ``name`` depends on is switched off ("No")."""
    for parent, dependants in PARENT_FIELDS.items():
        if name in dependants:
            return st.session_state.get(f"customer.{parent}") == "No"
    return False


def _field_widget(field: dict[str, Any], default: Any) -> Any:
    name, key, label = field["name"], f"customer.{field['name']}", field["label"]
    if field["kind"] == "categorical":
        levels: list[str] = field["levels"]
        parent = next((p for p, deps in PARENT_FIELDS.items() if name in deps), None)
        if parent is not None:
            if _parent_absent(name):
                only = NOT_APPLICABLE[parent]
                return st.selectbox(
                    label, [only], key=f"{key}.absent", disabled=True, help=field["description"]
                )
            levels = [level for level in levels if level != NOT_APPLICABLE[parent]]
        index = levels.index(default) if default in levels else 0
        return st.selectbox(label, levels, index=index, key=key, help=field["description"])
    integer = field["kind"] == "integer"
    value = int(default) if integer else float(default)
    return st.number_input(
        f"{label} ({field['unit']})",
        min_value=int(field["minimum"]) if integer else float(field["minimum"]),
        max_value=int(field["maximum"]) if integer else float(field["maximum"]),
        value=value,
        step=1 if integer else 0.05,
        key=key,
        help=field["description"],
    )


def _customer_defaults(model: dict[str, Any]) -> dict[str, Any]:
    example = dict(model["examples"][0])
    if example.get("SeniorCitizen") in (0, 1):
        example["SeniorCitizen"] = "Yes" if example["SeniorCitizen"] else "No"
    return example


def score_customer_tab(model: dict[str, Any]) -> None:
    fields = {field["name"]: field for field in model["contract"]}
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
                for field in model["contract"]:
                    if field["group"] == group and field["name"] not in PARENT_FIELDS:
                        values[field["name"]] = _field_widget(field, defaults[field["name"]])
        submitted = st.form_submit_button(
            "Score this customer", type="primary", key="customer.submit"
        )
    if submitted:
        try:
            result = api_client().predict(values, drivers=CHART_DRIVERS)
            levers = api_client().levers(values)
            st.session_state["customer.result"] = result
            st.session_state["customer.levers"] = levers
        except ApiError as error:
            st.session_state.pop("customer.result", None)
            st.error(f"Could not score the customer: {error}")
    if shown := st.session_state.get("customer.result"):
        show_prediction(shown)
        left, right = st.columns(2)
        with left:
            show_drivers(shown["explanation"], fields)
        with right:
            show_levers(st.session_state["customer.levers"])


def show_prediction(result: dict[str, Any]) -> None:
    probability = result["churn_probability"]
    verdict = "likely to churn" if result["churn"] else "likely to stay"
    left, middle, right = st.columns(3)
    left.metric("Churn probability", f"{probability:.2%}")
    middle.metric(
        "At the model's threshold",
        verdict.capitalize(),
        help=f"Churn is predicted from {result['threshold']:.0%} up.",
    )
    with right:
        st.markdown("**Risk band**")
        st.badge(result["risk_band"], color=BAND_COLOURS[result["risk_band"]])
    st.progress(probability, text=f"{probability:.1%} (threshold {result['threshold']:.0%})")
    st.caption(f"Answered by model {result['model_version']}.")


def _shown_value(driver: dict[str, Any], fields: dict[str, Any]) -> str:
    unit = fields[driver["field"]].get("unit")
    return f"{driver['value']} {unit}" if unit else str(driver["value"])


def show_drivers(explanation: dict[str, Any], fields: dict[str, Any]) -> None:
    st.subheader("Why: what moved this customer's risk")
    rows = [
        {
            "driver": f"{driver['label']}: {_shown_value(driver, fields)}",
            "contribution": driver["contribution"],
        }
        for driver in explanation["drivers"]
    ]
    others = len(fields) - len(rows)
    if others:
        rows.append(
            {"driver": f"{others} other fields", "contribution": explanation["other_fields"]}
        )
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
        f"From the model's average ({explanation['base_value']:+.2f}) to this customer "
        f"({explanation['margin']:+.2f}), in log-odds. What the model has learnt to associate "
        "with churn, not its causes."
    )


def show_levers(levers: dict[str, Any]) -> None:
    st.subheader("What if: offers that would lower the risk")
    if not levers["levers"]:
        st.info("None of the offers the contract declares would lower this customer's risk.")
        return
    today = levers["churn_probability"]
    rows = [
        {
            "offer": lever["description"][0].upper() + lever["description"][1:],
            "churn probability": f"{today:.0%} → {lever['churn_probability']:.0%}",
            "change": f"{lever['change'] * 100:+.1f} points",
        }
        for lever in levers["levers"]
    ]
    st.table(pd.DataFrame(rows), hide_index=True)
    st.caption(
        "Each offer alone, everything else about the customer unchanged, as the model sees it."
    )


# ---------------------------------------------------------------------------------------
# Score a file
# ---------------------------------------------------------------------------------------


def score_file_tab(model: dict[str, Any]) -> None:
    st.write("Upload a CSV in the data set's format (with or without `Churn`).")
    upload = st.file_uploader("Customers (CSV)", type=["csv"], key="file.upload")
    if upload is not None and st.button("Score the file", type="primary", key="file.submit"):
        st.session_state.pop("file.result", None)
        try:
            parsed = parse_file(upload.getvalue())
            bar = st.progress(0.0, text="Scoring…")
            settings = UiSettings()
            st.session_state["file.result"] = score_file(
                api_client(),
                parsed,
                settings.batch_rows,
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


# ---------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------


def model_tab(model: dict[str, Any]) -> None:
    st.write(
        f"Model **{model['model_version']}**, decision threshold **{model['threshold']:.3f}**."
    )
    bands = ", ".join(f"{band}: {rule}" for band, rule in model["risk_bands"].items())
    st.caption(f"Risk bands — {bands}.")
    cv, test = model["metrics"]["cross_validation"], model["metrics"]["test"]
    rows = [
        {
            "metric": name,
            "model (CV mean)": cv["model"][name]["mean"],
            "baseline (CV mean)": cv["baseline"][name]["mean"],
            "model (test)": test["model"][name],
            "baseline (test)": test["baseline"][name],
        }
        for name in cv["model"]
    ]
    st.subheader("Quality, beside the logistic-regression baseline")
    st.table(pd.DataFrame(rows).round(4), hide_index=True)
    curves = model["curves"]
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
        importance = pd.DataFrame(model["feature_importance"][:15])
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
        st.markdown(model["model_card"])


def _line(curve: dict[str, list[float]], x: str, y: str) -> alt.Chart:
    frame = pd.DataFrame({x: curve[x], y: curve[y]})
    unit = alt.Scale(domain=[0, 1])
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(point=len(frame) <= 20)
        .encode(alt.X(f"{x}:Q", scale=unit), alt.Y(f"{y}:Q", scale=unit))
    )
    return chart


# ---------------------------------------------------------------------------------------
# Customer base: the latest scoring run of every customer (churn-score)
# ---------------------------------------------------------------------------------------

PAGE_ROWS = 25


@st.cache_data(ttl=300, show_spinner="Reading the latest scoring run…")
def latest_scores() -> dict[str, Any]:
    return api_client().latest_scores()


def customer_base_tab() -> None:
    try:
        run = latest_scores()
    except ApiError as error:
        if error.status == 404:
            st.info(f"No scoring run to show yet ({error}). The *score* workflow publishes one.")
        else:
            st.error(f"The scoring run cannot be read: {error}")
        return
    rows = run["rows"]
    st.markdown(
        f"**Run {run['run']}** of {run['created_at']}: model {run['model_version']}, "
        f"{rows['scored']:,} customers scored ({rows['rejected']:,} rejected)."
    )
    for column, (band, count) in zip(st.columns(3), run["bands"].items(), strict=True):
        share = count / rows["scored"] if rows["scored"] else 0.0
        column.metric(f"{band.capitalize()} risk ({share:.1%})", f"{count:,}")
    show_drift(run["drift"])
    show_riskiest(list(run["bands"]))


def show_drift(drift: dict[str, Any]) -> None:
    st.subheader("Drift against the training data")
    advice = drift["advice"]
    {"act": st.error, "watch": st.warning}.get(drift["status"], st.success)(advice)
    if drift["status"] == "unavailable":
        return
    fields = pd.DataFrame(
        [
            {"field": entry["label"], "PSI": entry["psi"], "status": entry["status"]}
            for entry in drift["fields"]
        ]
    )
    st.dataframe(fields.round(4), hide_index=True, key="base.drift")
    score = drift["score"]
    st.caption(
        f"Scores: PSI {score['psi']:.4f}; mean churn probability {score['mean']:.1%} against "
        f"{score['reference_mean']:.1%} on held-out training customers."
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
        answer = api_client().scored_customers(
            offset=(page - 1) * PAGE_ROWS,
            limit=PAGE_ROWS,
            band=None if band == "all" else band,
            search=search or None,
        )
    except ApiError as error:
        st.error(f"The customers cannot be read: {error}")
        return
    shown = answer["customers"]
    if not shown:
        st.info("No customer on this page matches.")
        return
    table = pd.DataFrame(
        [
            {
                "customerID": customer["customerID"],
                "churn probability": customer["churn_probability"],
                "risk band": customer["risk_band"],
                "why": "; ".join(
                    f"{d['label']} ({d['contribution']:+.2f})" for d in customer["drivers"]
                ),
            }
            for customer in shown
        ]
    )
    st.dataframe(table, hide_index=True, key="base.customers")
    first = answer["offset"] + 1
    st.caption(
        f"{first:,} to {first + len(shown) - 1:,} of {answer['total']:,} (the riskiest customers "
        "the run kept, riskiest first)."
    )


# ---------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="Customer churn risk", page_icon="📉", layout="wide")
    st.title("Customer churn risk")
    try:
        model = model_info()
    except ApiError as error:
        st.error(f"The prediction API is not available: {error}")
        st.stop()
    st.caption(f"Scored by model {model['model_version']} through {api_client().base_url}")
    customer, upload, base, about = st.tabs(
        ["Score a customer", "Score a file", "Customer base", "Model"]
    )
    with customer:
        score_customer_tab(model)
    with upload:
        score_file_tab(model)
    with base:
        customer_base_tab()
    with about:
        model_tab(model)


main()
