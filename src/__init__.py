"""telco-churn: the customer-churn model from raw data to a public web app.

The import package ``churn`` maps onto this ``src/`` folder: one folder per deployable
(``train``, later ``api`` and ``ui``) and the modules they share beside them.
"""
