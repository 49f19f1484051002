"""Page timing: render every dashboard page with Streamlit's AppTest against a warehouse and
print how long each took (a cold run with an empty cache, then a warm rerun). Not a test: it
measures, it asserts nothing, and exits non-zero only when a page raised.

    python benchmarks/pages.py --db warehouse/clearinghouse.duckdb [--query customer_360:q=acme]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ENTRY = REPO_ROOT / "app" / "streamlit_app.py"
PAGES = sorted(p.name for p in (REPO_ROOT / "app" / "app_pages").glob("*.py"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the warehouse to read")
    parser.add_argument(
        "--query",
        action="append",
        default=["customer_360:q=a"],
        help="page:key=value query parameters to open a page with (repeatable)",
    )
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    os.environ["CLEARINGHOUSE_DB"] = str(args.db.absolute())

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    queries: dict[str, dict[str, str]] = {}
    for item in args.query:
        page, _, pair = item.partition(":")
        key, _, value = pair.partition("=")
        queries.setdefault(page, {})[key] = value

    failed = False
    print(f"{'page':<20} {'cold s':>8} {'warm s':>8}")
    for name in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ENTRY), default_timeout=args.timeout)
        at.query_params.update(queries.get(name.removesuffix(".py"), {}))
        started = time.perf_counter()
        at.run()  # the default page (Overview)
        cold = time.perf_counter() - started
        if name != "overview.py":
            started = time.perf_counter()
            at.switch_page(f"app_pages/{name}").run()
            cold = time.perf_counter() - started
        started = time.perf_counter()
        at.run()
        warm = time.perf_counter() - started
        errors = [str(e.value) for e in at.exception]
        failed = failed or bool(errors)
        print(f"{name.removesuffix('.py'):<20} {cold:>8.2f} {warm:>8.2f}", *errors[:1])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
