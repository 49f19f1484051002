"""Presentation helpers shared by the dashboard pages: the page frame, labels, sidebar filters,
metric rows and tables. Pages get their data from ``lib.queries`` and lay it out with these."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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
STAGE_LABELS = {
    "prospect": "Prospect",
    "onboarding": "Onboarding",
    "adopting": "Adopting",
    "expanding": "Expanding",
    "renewing": "Renewing",
    "at_risk": "At risk",
    "churned": "Churned",
}
PERSONA_LABELS = {
    "executive_sponsor": "Executive sponsor",
    "decision_maker": "Decision maker",
    "admin_champion": "Admin / champion",
    "end_user": "End user",
    "billing_contact": "Billing contact",
    "unknown": "Unknown",
}
SOURCE_LABELS = {
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
    "stripe": "Stripe",
    "zendesk": "Zendesk",
}
SEVERITY_LABELS = {"high": "High", "medium": "Medium", "low": "Low"}
MISSING = "—"  # what a person sees instead of None / <NA> / NaN
UTC_FORMAT = "YYYY-MM-DD HH:mm"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NaT or (not isinstance(value, str) and _isna(value))


def _isna(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays
        return False


def _label(mapping: dict[str, str], value: object) -> str:
    if is_missing(value):
        return MISSING
    text = str(value)
    return mapping.get(text, text.replace("_", " ").capitalize())


def team_label(value: object) -> str:
    return _label(TEAM_LABELS, value)


def category_label(value: object) -> str:
    return _label(CATEGORY_LABELS, value)


def channel_label(value: object) -> str:
    return _label(CHANNEL_LABELS, value)


def stage_label(value: object) -> str:
    return _label(STAGE_LABELS, value)


def rule_id_label(value: object) -> str:
    """A rule id in words: 'renewing_within_90_days' -> 'Renewing within 90 days'."""
    return _label({}, value)


def persona_label(value: object) -> str:
    return _label(PERSONA_LABELS, value)


def source_label(value: object) -> str:
    return _label(SOURCE_LABELS, value)


def severity_label(value: object) -> str:
    return _label(SEVERITY_LABELS, value)


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
def page(title: str, caption: str, tables: Sequence[str] = ()) -> Iterator[None]:
    """The frame of every page: title and caption, the warehouse guard around the body (which
    also checks the page's own ``tables``), and the warehouse footer in the sidebar after the
    page's own filters."""
    st.title(title)
    st.caption(caption)
    with warehouse_guard(tables):
        yield
        warehouse_footer()


@contextlib.contextmanager
def warehouse_guard(tables: Sequence[str] = ()) -> Iterator[None]:
    """Show a friendly message (never a traceback) when the warehouse cannot be read."""
    try:
        db.check_warehouse(tables)
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
    label: str,
    first: dt.date,
    last: dt.date,
    *,
    key: str,
    help_text: str,
    url: str | None = None,
) -> tuple[dt.date, dt.date]:
    """Sidebar date-range picker bounded by the data; tolerates a half-picked range. With
    ``url``, the range is read from and written to the page's URL (``?url=YYYY-MM-DD..YYYY-MM-DD``)
    so a view can be shared."""
    if key not in st.session_state:
        st.session_state[key] = _dates_from_url(url, first, last) or (first, last)
    picked = st.sidebar.date_input(
        label,
        min_value=first,
        max_value=last,
        key=key,
        help=help_text,
        format="YYYY-MM-DD",
    )
    if isinstance(picked, dt.date):
        chosen = (picked, picked)
    else:
        values: Sequence[dt.date] = tuple(picked or ())
        chosen = (values[0], values[-1]) if values else (first, last)
    if url:
        st.query_params[url] = f"{chosen[0].isoformat()}..{chosen[1].isoformat()}"
    return chosen


def _dates_from_url(
    url: str | None, first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date] | None:
    if not url or url not in st.query_params:
        return None
    try:
        start, end = (dt.date.fromisoformat(part) for part in st.query_params[url].split(".."))
    except ValueError:
        return None
    start, end = max(start, first), min(end, last)
    return (start, end) if start <= end else None


def text_filter(label: str, *, key: str, help_text: str, url: str, placeholder: str) -> str:
    """A text box whose value is kept in the URL (``?url=...``)."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(url, "")
    value = st.text_input(label, key=key, help=help_text, placeholder=placeholder).strip()
    if value:
        st.query_params[url] = value
    else:
        st.query_params.pop(url, None)
    return value


def multiselect_filter(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    placeholder: str,
    help_text: str,
    format_func=str,
    url: str | None = None,
) -> list[str]:
    """Sidebar multiselect where 'nothing selected' means 'no filter'. With ``url``, the
    picks are read from and written to the page's URL (``?url=a&url=b``)."""
    if key not in st.session_state:
        from_url = st.query_params.get_all(url) if url else []
        st.session_state[key] = [value for value in from_url if value in options]
    picked = st.sidebar.multiselect(
        label,
        options=list(options),
        key=key,
        placeholder=placeholder,
        help=help_text,
        format_func=format_func,
    )
    if url:
        st.query_params[url] = picked
    return picked


def team_filter(
    options: Sequence[str],
    *,
    key: str,
    help_text: str,
    label: str = "Team",
    url: str | None = None,
) -> list[str]:
    """Sidebar multiselect of sending teams, shown with their human labels."""
    return multiselect_filter(
        label,
        options,
        key=key,
        placeholder="All teams",
        help_text=help_text,
        format_func=team_label,
        url=url,
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


def text_column(label: str, width: str = "medium", help_text: str | None = None) -> Any:
    """A text column of bounded width (long values are cut, shown whole on hover), so that
    tables fit a 1280 px screen."""
    return st.column_config.TextColumn(label, width=width, help=help_text)


def utc_column(label: str) -> Any:
    return st.column_config.DatetimeColumn(label, format=UTC_FORMAT)


def count_column(label: str, help_text: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, format="%d", help=help_text)


LABELLERS: dict[str, Callable[[object], str]] = {
    "team": team_label,
    "owning_team": team_label,
    "last_touch_team": team_label,
    "category": category_label,
    "channel": channel_label,
    "teams": teams_list_label,
    "teams_in_window": teams_list_label,
    "journey_stage": stage_label,
    "from_stage": stage_label,
    "to_stage": stage_label,
    "persona": persona_label,
    "entry_rule": rule_id_label,
    "stage_rule": rule_id_label,
    "source_system": source_label,
    "largest_source_system": source_label,
    "severity": severity_label,
}


def with_labels(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Team, category and channel codes (and comma-separated team lists) as human labels, in
    ``columns`` (default: every column)."""
    return frame.assign(
        **{
            name: map_distinct(frame[name], labeller)
            for name, labeller in LABELLERS.items()
            if name in frame.columns and (columns is None or name in columns)
        }
    )


def map_distinct(series: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """``series.map(function)``, calling ``function`` once per distinct value (and once for
    the missing ones) rather than once per row: tables of thousands of rows repeat a few
    codes."""
    present = series.notna().to_numpy()
    try:
        codes, distinct = pd.factorize(series[present])
    except TypeError:  # unhashable values (lists): row by row
        return series.map(function)
    values = np.empty(len(series), dtype=object)
    values[:] = [function(None)] if not present.all() else [None]
    mapped = np.empty(len(distinct), dtype=object)
    mapped[:] = [function(value) for value in distinct]
    values[present] = mapped[codes]
    return pd.Series(values, index=series.index, name=series.name)


def fill_missing(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Missing values shown as an em dash, never as None, NaN or <NA>: text columns get the
    dash; number and time columns that have gaps become text (times as YYYY-MM-DD HH:MM)."""
    names = [c for c in (columns if columns is not None else frame.columns) if c in frame]
    filled = {}
    for name in names:
        series = frame[name]
        if _is_text(series):
            filled[name] = series.astype(object).where(series.notna(), MISSING)
        elif series.isna().any():
            filled[name] = map_distinct(series, _as_text)
    return frame.assign(**filled)


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)


def _as_text(value: object) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3g}"
    return str(value)


def table(frame: pd.DataFrame, columns: Mapping[str, Any], *, height: int | None = None) -> None:
    """A read-only table showing ``columns`` in order (name -> header or column config),
    codes as human labels, missing values as an em dash; the frame's other columns are kept
    but not shown. ``height`` (pixels) scrolls a long table inside a fixed box."""
    shown = fill_missing(with_labels(frame, list(columns)), list(columns))
    config = {}
    for name, spec in columns.items():
        became_text = name in frame and _is_text(shown[name]) and not _is_text(frame[name])
        if became_text and isinstance(spec, Mapping):
            spec = st.column_config.TextColumn(spec.get("label"), help=spec.get("help"))
        config[name] = spec
    options = {} if height is None else {"height": height}
    st.dataframe(
        shown, hide_index=True, column_order=tuple(columns), column_config=config, **options
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


@dataclass(frozen=True)
class Picker:
    """One sidebar multiselect of ``sidebar_filters``: its label, the URL parameter that
    keeps the picks, the widget key's suffix, and the words shown when nothing is picked."""

    label: str
    url: str
    suffix: str
    placeholder: str
    help_text: str

    def pick(
        self,
        options: Sequence[str] | Mapping[str, str],
        *,
        key: str,
        format_func: Callable[[str], str] = str,
        help_text: str | None = None,
    ) -> list[str]:
        return multiselect_filter(
            self.label,
            list(options),
            key=f"{key}_{self.suffix}",
            url=self.url,
            placeholder=self.placeholder,
            help_text=help_text or self.help_text,
            format_func=format_func,
        )


RULES = Picker(
    "Rule", "rule", "rules", "All rules", "Policy rule that was broken. Leave empty for all rules."
)
SEVERITIES = Picker(
    "Severity",
    "severity",
    "severities",
    "All severities",
    "Severity of the rule broken. Leave empty for all severities.",
)
REGIONS = Picker(
    "Region",
    "region",
    "regions",
    "All regions",
    "The account's sales region. Leave empty for all regions.",
)
SEGMENTS = Picker(
    "Segment",
    "segment",
    "segments",
    "All segments",
    "Accounts in any of these segments today. Leave empty for all accounts.",
)


def sidebar_filters(
    key: str,
    first: dt.date | None,
    last: dt.date | None,
    *,
    dates_help: str,
    dates_label: str = "Dates",
    dates_url: str = "dates",
    teams: Sequence[str] | None = None,
    teams_help: str = "Team that sent the message. Leave empty for all teams.",
    teams_label: str = "Team",
    rules: Mapping[str, str] | None = None,
    severities: Sequence[str] | None = None,
    severities_help: str | None = None,
    accounts: bool = False,
) -> queries.Filters | None:
    """The sidebar's filter block of every page, each pick kept in the URL: a date range
    bounded by [first, last] (``?dates_url=``), then, when the page passes them, the rules
    (rule id -> words; ``?rule=``), severities (``?severity=``) and teams (``?team=``) to
    pick from, and with ``accounts`` the region and segment pickers. Widget keys are
    ``{key}_{dates_url}``, ``{key}_rules``, ``{key}_severities``, ``{key}_teams``, ...
    Returns the picks, or None (after the header) when the data has no dates."""
    st.sidebar.header("Filters")
    if first is None or last is None:
        return None
    start, end = date_range_filter(
        dates_label, first, last, key=f"{key}_{dates_url}", url=dates_url, help_text=dates_help
    )
    picked_rules = [] if rules is None else RULES.pick(
        rules, key=key, format_func=lambda rule_id: f"{rule_id}: {rules[rule_id]}".rstrip(": ")
    )
    picked_severities = [] if severities is None else SEVERITIES.pick(
        severities, key=key, format_func=severity_label, help_text=severities_help
    )
    picked_teams: list[str] = []
    if teams is not None:
        picked_teams = team_filter(
            teams, key=f"{key}_teams", url="team", label=teams_label, help_text=teams_help
        )
    regions, segments = account_filters(key=key) if accounts else ([], [])
    return queries.Filters(
        start,
        end,
        teams=picked_teams,
        rules=picked_rules,
        severities=picked_severities,
        regions=regions,
        segments=segments,
    )


def account_filters(*, key: str) -> tuple[list[str], list[str]]:
    """Sidebar region and segment pickers (kept in the URL as ``region`` and ``segment``)."""
    segment_names = queries.segments()
    return REGIONS.pick(queries.regions(), key=key), SEGMENTS.pick(
        segment_names, key=key, format_func=lambda segment_id: segment_names[segment_id]
    )
