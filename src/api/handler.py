"""The Lambda entry point. The lifespan is off: Mangum would run it on every invocation;
the service loads on the first request instead and stays for the life of the process."""

from mangum import Mangum

from churn.api.app import create_app

handler = Mangum(create_app(preload=False), lifespan="off")
