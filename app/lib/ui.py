"""Presentation helpers shared by the dashboard pages (labels, filters, error display)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import db

TEAM_LABELS = {
    "marketing": "Marketing",
    "customer_success": "Customer success",
    "account_management": "Account management",
    "sales": "Sales",
    "support": "Support",
    "billing": "Billing",
}
CATEGORY_LABELS = {
    "promotional": "Promotional",
    "success": "Success",
    "sales": "Sales",
    "support": "Support",
    "transactional": "Transactional",
}
CHANNEL_LABELS = {"email": "Email", "phone": "Phone"}


def _label(mapping: dict[str, str], value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "(none)"
    text = str(value)
    return mapping.get(text, text.replace("_", " ").capitalize())


def team_label(value: object) -> str:
    return _label(TEAM_LABELS, value)


def category_label(value: object) -> str:
    return _label(CATEGORY_LABELS, value)


def channel_label(value: object) -> str:
    return _label(CHANNEL_LABELS, value)


def teams_list_label(value: object) -> str:
    """'customer_success,marketing' -> 'Customer success, Marketing'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return ", ".join(team_label(part.strip()) for part in str(value).split(",") if part.strip())


def fmt_int(value: object) -> str:
    if value is None or pd.isna(value):
        return "0"
    return f"{int(value):,}"


@contextlib.contextmanager
def warehouse_guard() -> Iterator[None]:
    """Show a friendly message (never a traceback) when the warehouse cannot be read."""
    try:
        db.check_warehouse()
        yield
    except db.WarehouseUnavailable as exc:
        st.error(str(exc), icon="🛠️")
        st.stop()


def warehouse_footer() -> None:
    path = db.db_path()
    signature = db.file_signature(path)
    if signature is None:
        return
    built = dt.datetime.fromtimestamp(signature[1] / 1e9, tz=dt.UTC).strftime("%Y-%m-%d %H:%M")
    st.sidebar.caption(f"Warehouse file `{path.name}`, built {built} UTC. Read-only.")
    data_health_caption(path)


def data_health_caption(path: Path) -> None:
    """The load's trust figures (rpt_load_reconciliation, rpt_feature_coverage) and where
    the latest `clearinghouse check` report is, in the sidebar."""
    try:
        load = db.scalar_row(
            "select sum(rows_in_file) as rows_in, sum(rows_loaded) as loaded, "
            "sum(rows_rejected) as rejected, sum(rows_excluded) as excluded "
            "from rpt_load_reconciliation")
        features = db.scalar_row(
            "select count(case when status = 'off' then 1 end) as off, "
            "count(case when status = 'degraded' then 1 end) as degraded "
            "from rpt_feature_coverage")
    except Exception:  # a warehouse built before these marts existed
        return
    if load.get("rows_in") is None:
        return
    st.sidebar.caption(
        f"Raw rows: {fmt_int(load.get('rows_in'))} read, {fmt_int(load.get('loaded'))} loaded, "
        f"{fmt_int(load.get('rejected'))} rejected, {fmt_int(load.get('excluded'))} excluded "
        f"(audit_rejected_rows). Features: {fmt_int(features.get('off'))} off, "
        f"{fmt_int(features.get('degraded'))} degraded (rpt_feature_coverage)."
    )
    docs = path.parent / "check" / "data_docs" / "index.html"
    if docs.exists():
        st.sidebar.caption(f"Data checks (Great Expectations Data Docs): `{docs}`")
    else:
        st.sidebar.caption("Data checks: run `clearinghouse check` to write the report.")


def to_date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def date_range_filter(
    label: str, first: dt.date, last: dt.date, *, key: str, help_text: str
) -> tuple[dt.date, dt.date]:
    """Sidebar date-range picker bounded by the data; tolerates a half-picked range."""
    picked = st.sidebar.date_input(
        label,
        value=(first, last),
        min_value=first,
        max_value=last,
        key=key,
        help=help_text,
        format="YYYY-MM-DD",
    )
    if isinstance(picked, dt.date):
        return picked, picked
    values: Sequence[dt.date] = tuple(picked or ())
    if len(values) >= 2:
        return values[0], values[1]
    if len(values) == 1:
        return values[0], values[0]
    return first, last


def multiselect_filter(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    placeholder: str,
    help_text: str,
    format_func=str,
) -> list[str]:
    """Sidebar multiselect where 'nothing selected' means 'no filter'."""
    return st.sidebar.multiselect(
        label,
        options=list(options),
        default=[],
        key=key,
        placeholder=placeholder,
        help=help_text,
        format_func=format_func,
    )
