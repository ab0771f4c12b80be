"""Run with the UI image's files alone (no site-packages, no tests package): the page itself
rendered by Streamlit's AppTest, scoring its default customer through the API named by
API_ENDPOINT. Prints what the parent test asserts on, as JSON.

`/_stcore/health` and `GET /` answer without running the app, so only a real run of the
page proves that everything app.py imports is in the image."""

import json
import sys

from streamlit.testing.v1 import AppTest


def main(app_path: str) -> None:
    page = AppTest.from_file(app_path, default_timeout=60)
    page.run()
    report: dict[str, object] = {
        "exceptions": [str(e.value) for e in page.exception],
        "title": [t.value for t in page.title],
        "fields": sorted(str(w.key) for w in (*page.selectbox, *page.number_input)),
    }
    if not page.exception:
        page.button(key="customer.submit").click().run()
        report["exceptions_after_submit"] = [str(e.value) for e in page.exception]
        report["metrics"] = [m.value for m in page.metric]
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
