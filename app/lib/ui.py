"""Presentation helpers shared by the dashboard pages: the page frame, labels, sidebar filters,
metric rows and tables. Pages get their data from ``lib.queries`` and lay it out with these."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from lib import db, queries

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
UTC_FORMAT = "YYYY-MM-DD HH:mm"


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
def page(title: str, caption: str) -> Iterator[None]:
    """The frame of every page: title and caption, the warehouse guard around the body, and
    the warehouse footer in the sidebar after the page's own filters."""
    st.title(title)
    st.caption(caption)
    with warehouse_guard():
        yield
        warehouse_footer()


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
        load = queries.load_totals()
        features = queries.feature_status_counts()
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


def team_filter(
    options: Sequence[str], *, key: str, help_text: str, label: str = "Team"
) -> list[str]:
    """Sidebar multiselect of sending teams, shown with their human labels."""
    return multiselect_filter(
        label,
        options,
        key=key,
        placeholder="All teams",
        help_text=help_text,
        format_func=team_label,
    )


@dataclass(frozen=True)
class Metric:
    label: str
    value: object
    help: str


def metric_row(metrics: Sequence[Metric]) -> None:
    """One row of KPI tiles; values are counts, formatted with thousands separators."""
    for column, metric in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(metric.label, fmt_int(metric.value), help=metric.help)


def utc_column(label: str) -> Any:
    return st.column_config.DatetimeColumn(label, format=UTC_FORMAT)


def count_column(label: str, help_text: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, format="%d", help=help_text)


LABELLERS: dict[str, Callable[[object], str]] = {
    "team": team_label,
    "category": category_label,
    "channel": channel_label,
    "teams": teams_list_label,
    "teams_in_window": teams_list_label,
}


def with_labels(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Team, category and channel codes (and comma-separated team lists) as human labels, in
    ``columns`` (default: every column)."""
    return frame.assign(
        **{
            name: frame[name].map(labeller)
            for name, labeller in LABELLERS.items()
            if name in frame.columns and (columns is None or name in columns)
        }
    )


def table(frame: pd.DataFrame, columns: Mapping[str, Any]) -> None:
    """A read-only table showing ``columns`` in order (name -> header or column config),
    codes as human labels; the frame's other columns are kept but not shown."""
    st.dataframe(
        with_labels(frame, list(columns)),
        hide_index=True,
        column_order=tuple(columns),
        column_config=dict(columns),
    )


@dataclass(frozen=True)
class Chart:
    """A stacked chart of a query's frame. ``axes`` maps the frame's x, color and y columns,
    in that order, to their titles; team, category and channel codes get human labels."""

    draw: Callable[..., Any]  # st.bar_chart, st.area_chart, ...
    axes: Mapping[str, str]
    horizontal: bool = False

    def show(self, frame: pd.DataFrame, *, empty: str, empty_is_good: bool = False) -> bool:
        """Draw the chart, or ``empty`` (as good news with ``empty_is_good``) when there are
        no rows. Returns whether a chart was drawn."""
        if frame.empty:
            (st.success if empty_is_good else st.info)(empty)
            return False
        labelled = with_labels(frame).rename(columns=dict(self.axes))
        x, color, y = self.axes.values()
        options = {"horizontal": True} if self.horizontal else {}
        self.draw(labelled, x=x, y=y, color=color, stack=True, **options)
        return True


def section(title: str, caption: str) -> None:
    st.subheader(title)
    st.caption(caption)
