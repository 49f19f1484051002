"""Clearinghouse dashboard: the router. Each page is one thin file in ``app_pages/``.

Run with ``streamlit run app/streamlit_app.py``. Reads the marts only, read-only.

To add a page: write ``app_pages/<name>.py`` (widgets and layout, inside ``ui.page(...)``),
put its SQL in ``lib/queries.py`` (the activation pages: ``lib/activation.py``), and list
it in ``PAGES`` below.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))  # so pages import the shared helpers as `lib`

import streamlit as st  # noqa: E402

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/customer_360.py", title="Customer 360", icon=":material/person_search:"),
    st.Page("app_pages/violations.py", title="Violations", icon=":material/report:"),
    st.Page("app_pages/governance.py", title="Governance", icon=":material/policy:"),
    st.Page("app_pages/journeys.py", title="Journeys", icon=":material/conversion_path:"),
    st.Page("app_pages/service_levels.py", title="Team service levels", icon=":material/timer:"),
    st.Page("app_pages/segments.py", title="Segments", icon=":material/groups:"),
    st.Page("app_pages/presend.py", title="Pre-send check", icon=":material/fact_check:"),
]

from lib.access import require_access  # noqa: E402

st.set_page_config(
    page_title="Clearinghouse", page_icon=":material/forward_to_inbox:", layout="wide"
)
require_access()
st.navigation(PAGES).run()
