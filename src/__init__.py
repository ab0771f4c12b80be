"""telco-churn: the customer-churn model from raw data to a public web app.

The import package ``churn`` maps onto this ``src/`` folder: one folder per deployable
(``train``, ``score``, ``api``, ``ui``) and the ops CLIs (``ops``), with the modules they
share beside them (the contract, features, storage, bundles).
"""
