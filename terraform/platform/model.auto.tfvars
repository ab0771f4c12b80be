# The model version main serves. The retrain workflow's pull request changes this one line.
model_version = "20261124T001109Z-b4f6bc"
