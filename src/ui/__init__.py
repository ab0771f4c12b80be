"""The Streamlit UI: score one customer or a file through the prediction API, see the model."""
