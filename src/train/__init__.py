"""Training: raw customer table to a validated, evaluated, SageMaker-ready model bundle."""
