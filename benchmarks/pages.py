"""Page timing: render every dashboard page with Streamlit's AppTest against a warehouse and
print how long each took (a cold run with an empty cache, then a warm rerun), in wall-clock
seconds and in CPU seconds of this process (every thread: the figure to trust on a machine
that other work keeps busy). Not a test: it
measures, it asserts nothing, and exits non-zero only when a page raised. With --export, also
the Segments page's Prepare export button (an action, not a page load).

    python benchmarks/pages.py --db warehouse/clearinghouse.duckdb [--query customer_360:q=acme]
        [--export]
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
    parser.add_argument(
        "--export",
        action="store_true",
        help="also time the Segments page's Prepare export button (its first segment)",
    )
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
    print(f"{'page':<20} {'cold s':>8} {'warm s':>8} {'cold cpu':>9} {'warm cpu':>9}")
    for name in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ENTRY), default_timeout=args.timeout)
        at.query_params.update(queries.get(name.removesuffix(".py"), {}))
        started, cpu = time.perf_counter(), time.process_time()
        at.run()  # the default page (Overview)
        cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
        if name != "overview.py":
            started, cpu = time.perf_counter(), time.process_time()
            at.switch_page(f"app_pages/{name}").run()
            cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        at.run()
        warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
        errors = [str(e.value) for e in at.exception]
        failed = failed or bool(errors)
        print(f"{name.removesuffix('.py'):<20} {cold:>8.2f} {warm:>8.2f} {cold_cpu:>9.2f} "
              f"{warm_cpu:>9.2f}", *errors[:1])
        if name == "segments.py" and args.export and not errors:
            # an action, not a page load: the export of the page's selected segment
            started = time.perf_counter()
            at.button(key="segments_prepare").click().run()
            took = time.perf_counter() - started
            errors = [str(e.value) for e in at.exception]
            failed = failed or bool(errors)
            segment = at.selectbox(key="segments_segment").value
            print(f"{'  Prepare export':<20} {took:>8.2f} {'':>8}  (segment {segment}, "
                  f"{len(at.download_button)} downloads)", *errors[:1])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
