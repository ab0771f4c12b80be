"""A stand-in for the prediction API at the HTTP boundary, for the UI's page tests.

It answers like the real API (same paths, same bodies) from canned data, and can be told
to fail: down, slow, 422 naming a field, 503 with Retry-After.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from churn import contract
from tests.support.servers import LOOPBACK

PROBABILITY = 0.6789
# The fake's drivers: these fields, largest first, pushing alternately up and down.
FAKE_DRIVERS = ("Contract", "tenure", "InternetService", "PaymentMethod", "TechSupport")


@dataclass
class FakeApi:
    model: dict[str, Any]
    url: str = ""
    mode: str = "ok"  # ok | slow | invalid | unavailable
    requests: list[tuple[str, Any]] = field(default_factory=list)
    no_levers: bool = False  # answer levers with none

    def prediction(self, customer: dict[str, Any], drivers: int | None = None) -> dict[str, Any]:
        # Deterministic and distinct per customer, so tables can be checked.
        probability = round(min(0.99, customer["tenure"] / 100 + 0.01), 4)
        answer = {
            "customerID": customer.get("customerID"),
            "churn_probability": probability,
            "churn": probability >= self.model["threshold"],
            "risk_band": "high" if probability >= 0.5 else "low",
            "threshold": self.model["threshold"],
            "model_version": self.model["model_version"],
        }
        if drivers is not None:
            answer["explanation"] = explanation(customer, drivers)
        return answer

    def levers(self, customer: dict[str, Any]) -> dict[str, Any]:
        """Two canned levers (a two-year contract, then tech support), or none."""
        offers = [
            ("Contract", "Two year", "switch to a two-year contract", 0.25),
            ("TechSupport", "Yes", "add tech support", 0.5),
        ]
        if self.no_levers:
            offers = []
        return {
            "customerID": customer.get("customerID"),
            "churn_probability": PROBABILITY,
            "model_version": self.model["model_version"],
            "levers": [
                {
                    "field": name,
                    "label": contract.FIELDS_BY_NAME[name].label,
                    "value": customer[name],
                    "offer": offer,
                    "description": wording,
                    "churn_probability": after,
                    "change": after - PROBABILITY,
                }
                for name, offer, wording, after in offers
            ],
        }


def explanation(customer: dict[str, Any], drivers: int) -> dict[str, Any]:
    listed = [
        {
            "field": name,
            "label": contract.FIELDS_BY_NAME[name].label,
            "value": customer[name],
            "contribution": (-1) ** rank * 0.5 / (rank + 1),
        }
        for rank, name in enumerate(FAKE_DRIVERS[:drivers])
    ]
    base = -1.0
    margin = base + sum(driver["contribution"] for driver in listed)
    return {"base_value": base, "drivers": listed, "other_fields": 0.0, "margin": margin}


def _handler(fake: FakeApi) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/v1/model":
                self._json(200, fake.model)
            else:
                self._json(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            fake.requests.append((self.path, body))
            path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
            drivers = None if query.get("explain") == ["none"] else int(query.get("top", ["5"])[0])
            if fake.mode == "slow":
                time.sleep(3)
            if fake.mode == "invalid":
                self._json(
                    422,
                    {
                        "message": "invalid request: tenure: Input should be less "
                        "than or equal to 120",
                        "detail": [],
                    },
                )
            elif fake.mode == "unavailable":
                self._json(
                    503, {"message": "the model endpoint is busy or starting"}, {"Retry-After": "5"}
                )
            elif path == "/v1/predictions":
                answer = fake.prediction(body, drivers) | {"churn_probability": PROBABILITY}
                self._json(200, answer)
            elif path == "/v1/predictions/levers":
                self._json(200, fake.levers(body))
            else:
                results = [
                    {"row": i, "prediction": fake.prediction(c, drivers)}
                    for i, c in enumerate(body["customers"])
                ]
                self._json(
                    200,
                    {
                        "model_version": fake.model["model_version"],
                        "scored": len(results),
                        "rejected": 0,
                        "results": results,
                    },
                )

        def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            content = json.dumps(payload).encode()
            # A client that timed out (the slow mode) has gone: its late answer is dropped
            # quietly instead of a traceback printed into whichever test runs next.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(content)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def fake_api(model: dict[str, Any]) -> Iterator[FakeApi]:
    fake = FakeApi(model)
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), _handler(fake))
    fake.url = f"http://{LOOPBACK}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
