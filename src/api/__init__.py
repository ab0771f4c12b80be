"""The prediction API: FastAPI locally under uvicorn, and in Lambda through Mangum."""
