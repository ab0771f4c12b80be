"""The Streamlit page: score a customer (why, and what would keep them), score a file,
look at the customer base and at the model; one module per tab (``churn.ui.tabs``).

Everything it knows about the model comes from the prediction API (`GET /v1/model`): the
fields, their allowed values, the threshold and the metrics. It never loads the model.
"""

from __future__ import annotations

import streamlit as st

from churn.ui.api import api_client, model_info
from churn.ui.client import ApiError
from churn.ui.tabs import base, customer, file, model


def main() -> None:
    st.set_page_config(page_title="Customer churn risk", page_icon="📉", layout="wide")
    st.title("Customer churn risk")
    try:
        about = model_info()
    except ApiError as error:
        st.error(f"The prediction API is not available: {error}")
        st.stop()
    st.caption(f"Scored by model {about.model_version} through {api_client().base_url}")
    tabs = st.tabs(["Score a customer", "Score a file", "Customer base", "Model"])
    with tabs[0]:
        customer.show(about)
    with tabs[1]:
        file.show()
    with tabs[2]:
        base.show()
    with tabs[3]:
        model.show(about)


main()
