"""Data and helpers of the activation pages (Segments, Pre-send check).

Segment facts are read from the marts with static, parameterised SQL through ``lib.db``. The
export and the pre-send check run the *same code as the CLI*, in memory:
``clearinghouse.export.prepare_export`` and ``clearinghouse.presend.check_plan``, whose
bytes ``clearinghouse export segment`` and ``clearinghouse presend`` write to files; the
pages get the result frames and the exact bytes of every file the CLI writes (CSVs through
``clearinghouse.safe_csv``), cached per warehouse file. Nothing is written to disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from clearinghouse import export as segment_export
from clearinghouse import presend as presend_check
from lib import db, ui

DASH = "—"

SEGMENTS_SQL = """
with sizes as (
    select s.segment_id, any_value(s.segment_name) as segment_name,
           any_value(s.owning_team) as owning_team,
           count(distinct s.account_id) as accounts, count(c.contact_id) as contacts,
           count(c.contact_id) filter (where c.is_opted_out) as opted_out_contacts
    from fct_segment_membership s
    left join dim_contacts c on c.account_id = s.account_id
    group by s.segment_id
)
select segment_id, coalesce(d.segment_name, z.segment_name, segment_id) as segment_name,
       coalesce(d.description, '') as description,
       coalesce(d.owning_team, z.owning_team) as owning_team,
       coalesce(z.accounts, 0) as accounts, coalesce(z.contacts, 0) as contacts,
       coalesce(z.opted_out_contacts, 0) as opted_out_contacts
from dim_segments d
full join sizes z using (segment_id)
where coalesce(d.is_active, false) or z.accounts > 0
order by segment_name, segment_id
"""

SEGMENT_TREND_SQL = """
with bounds as (
    select date_trunc('week', min(h.entered_date))::date as first_week,
           (select data_end_date from rpt_data_end) as last_day
    from fct_segment_membership_history h
    where h.segment_id = $segment
),
weeks as (
    select unnest(generate_series(first_week, last_day, interval 7 day))::date as week_start
    from bounds
    where first_week is not null
)
select w.week_start, count(h.account_id) as accounts
from weeks w
left join fct_segment_membership_history h
    on h.segment_id = $segment
    and h.entered_date <= w.week_start
    and (h.exited_date is null or h.exited_date > w.week_start)
group by w.week_start
order by w.week_start
"""

SEGMENT_ACCOUNTS_SQL = """
select s.account_id, s.account_name, s.entered_date, s.days_in_segment, a.owner_name,
       a.owner_team, a.plan, a.journey_stage, a.region, count(c.contact_id) as contacts
from fct_segment_membership s
left join dim_accounts a on a.account_id = s.account_id
left join dim_contacts c on c.account_id = s.account_id
where s.segment_id = $segment
group by all
order by s.account_name, s.account_id
"""

SEGMENT_CONTACTS_SQL = """
select c.contact_id, c.email, c.full_name, c.title, c.persona, a.account_name,
       c.time_zone, coalesce(c.is_opted_out, false) as is_opted_out
from fct_segment_membership s
join dim_contacts c on c.account_id = s.account_id
left join dim_accounts a on a.account_id = s.account_id
where s.segment_id = $segment
order by a.account_name, c.email, c.contact_id
"""

RULES_SQL = """
select rule_id, rule_description as description from dim_policy_rules order by rule_id
"""

DATA_END_SQL = "select data_end_date from rpt_data_end"

# Suppression reasons the export adds on top of the policy's rules.
BUILT_IN_REASONS = {
    segment_export.NO_EMAIL: "The contact has no email address",
    segment_export.DELETED: "The contact is deleted in every source system",
    segment_export.OPT_OUT_FLOOR: "No marketing email to a contact opted out in any system "
    "(built into the export)",
}


# --- marts ------------------------------------------------------------------------------------


def segments() -> pd.DataFrame:
    return db.query(SEGMENTS_SQL)


def segment_trend(segment_id: str) -> pd.DataFrame:
    return db.query(SEGMENT_TREND_SQL, {"segment": segment_id})


def segment_accounts(segment_id: str) -> pd.DataFrame:
    return db.query(SEGMENT_ACCOUNTS_SQL, {"segment": segment_id})


def segment_contacts(segment_id: str) -> pd.DataFrame:
    return db.query(SEGMENT_CONTACTS_SQL, {"segment": segment_id})


def rule_descriptions() -> dict[str, str]:
    rules = db.query(RULES_SQL)
    return {**BUILT_IN_REASONS, **dict(zip(rules["rule_id"], rules["description"], strict=True))}


def data_end() -> dt.date | None:
    value = db.scalar_row(DATA_END_SQL).get("data_end_date")
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# --- the CLI's export and pre-send check, in memory ---------------------------------------------


@dataclass(frozen=True)
class ExportOutcome:
    contacts: int
    allowed: pd.DataFrame
    suppressed: pd.DataFrame
    files: dict[str, bytes]  # file name -> the bytes the CLI writes


@dataclass(frozen=True)
class PresendOutcome:
    input_rows: int
    allowed: pd.DataFrame
    suppressed: pd.DataFrame
    errors: pd.DataFrame
    owners_to_notify: pd.DataFrame
    files: dict[str, bytes]


def _served_file() -> tuple[Path, db.Signature]:
    path = db.db_path()
    signature = db.file_signature(path)
    if signature is None:
        raise db.WarehouseUnavailable(db.missing_warehouse_message(path))
    return path, signature


def _unusable(path: Path, error: duckdb.Error) -> db.WarehouseUnavailable:
    return db.WarehouseUnavailable(
        f"The warehouse at `{path}` lacks what the export and the pre-send check read "
        f"({error}).\n\nRun `clearinghouse build` to rebuild it, then reload this page."
    )


@dataclass(frozen=True)
class ExportRequest:
    """What the Segments page asks the export for; ``warehouse`` is the served file's
    signature, so an export prepared before a rebuild no longer matches."""

    segment_id: str
    send_date: dt.date
    send_hour: int
    mask_pii: bool
    campaign_id: str
    warehouse: db.Signature | None


def export_request(segment_id: str, send_date: dt.date, send_hour: int, mask_pii: bool,
                   campaign_id: str) -> ExportRequest:
    return ExportRequest(segment_id, send_date, send_hour, mask_pii, campaign_id,
                         db.file_signature(db.db_path()))


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _export(path: str, signature: db.Signature, segment_id: str, send_date: dt.date,
            send_hour: int, mask_pii: bool, campaign_id: str, salt_digest: str) -> ExportOutcome:
    # signature and salt_digest are part of the cache key only
    result = segment_export.prepare_export(
        segment_id, Path(path), send_date=send_date, fmt="csv", mask_pii=mask_pii,
        campaign_id=campaign_id, send_hour=send_hour,
    )
    return ExportOutcome(len(result.contacts), result.allowed, result.suppressed, result.files)


def run_export(request: ExportRequest) -> ExportOutcome:
    """``clearinghouse export segment`` for the served warehouse, in memory (the CLI's own
    ``prepare_export``: the same bytes it writes); ExportError as the CLI."""
    path, signature = _served_file()
    salt = os.environ.get(segment_export.SALT_ENV, "") if request.mask_pii else ""
    salt_digest = hashlib.sha256(salt.encode()).hexdigest()
    try:
        return _export(str(path), signature, request.segment_id, request.send_date,
                       request.send_hour, request.mask_pii, request.campaign_id, salt_digest)
    except duckdb.Error as error:
        raise _unusable(path, error) from error


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _presend(path: str, signature: db.Signature, name: str, data: bytes) -> PresendOutcome:
    # signature is part of the cache key only
    result = presend_check.check_plan(Path(name).name or "planned.csv", data, Path(path))
    return PresendOutcome(result.input_rows, result.allowed, result.suppressed, result.errors,
                          result.owners_to_notify, result.files)


def run_presend(name: str, data: bytes) -> PresendOutcome:
    """``clearinghouse presend`` of an uploaded file against the served warehouse;
    PresendInputError (message naming the upload) when the file cannot be used."""
    path, signature = _served_file()
    try:
        return _presend(str(path), signature, name, data)
    except duckdb.Error as error:
        raise _unusable(path, error) from error


# --- presentation -------------------------------------------------------------------------------


def shown(frame: pd.DataFrame, datetimes: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy for display: ``datetimes`` columns as 'YYYY-MM-DD HH:MM' text, team codes as
    labels and every missing value or empty text as '—' (no None / NaN / <NA> on screen)."""
    out = frame.copy()
    for column in datetimes:
        if column in out.columns:
            values = pd.to_datetime(out[column], errors="coerce")
            out[column] = values.dt.strftime("%Y-%m-%d %H:%M")
    labellers = {
        **dict.fromkeys(("team", "owner_team", "owning_team"), ui.team_label),
        **dict.fromkeys(CODE_COLUMNS, _humanise),
        "teams": ui.teams_list_label,
    }
    for column, labeller in labellers.items():
        if column in out.columns:
            out[column] = ui.map_distinct(
                out[column], lambda v, label=labeller: DASH if _missing(v) else label(v))
    for column in out.columns:
        values = out[column]
        blank = values.isna()
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            blank |= values.astype(object).eq("")
        if blank.any():
            out[column] = values.astype(object).where(~blank, DASH)
    return out


CODE_COLUMNS = ("persona", "journey_stage", "plan")  # snake_case codes shown as words


def _humanise(value: object) -> str:
    return str(value).replace("_", " ").capitalize()


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def reasons_table(suppressed: pd.DataFrame, descriptions: dict[str, str]) -> pd.DataFrame:
    """One row per rule broken: suppressed contacts breaking it (a contact can break several),
    those for which it is the most severe rule, and the rule's description."""
    if suppressed.empty:
        return pd.DataFrame(columns=["rule_id", "description", "breaking", "main"])
    any_rule = (
        suppressed["rule_ids"].fillna("").str.split(",").explode().loc[lambda s: s != ""]
        .value_counts()
    )
    main = suppressed["rule_id"].value_counts()
    table = pd.DataFrame({"rule_id": any_rule.index, "breaking": any_rule.to_numpy()})
    table["main"] = [int(main.get(rule, 0)) for rule in table["rule_id"]]
    table["description"] = [descriptions.get(rule, DASH) for rule in table["rule_id"]]
    return table.sort_values(["main", "breaking", "rule_id"], ascending=[False, False, True])


def rule_label(rule_id: object, descriptions: dict[str, str]) -> str:
    if _missing(rule_id):
        return DASH
    description = descriptions.get(str(rule_id))
    return f"{description} ({rule_id})" if description else str(rule_id)


def later_count(suppressed: pd.DataFrame) -> int:
    """Suppressed rows that could go out later (an earliest allowed time exists)."""
    if suppressed.empty:
        return 0
    return int(suppressed["earliest_allowed_at"].notna().sum())


MIME = {".csv": "text/csv", ".md": "text/markdown", ".html": "text/html"}


def download(label: str, name: str, data: bytes, *, key: str, help_text: str) -> None:
    st.download_button(
        label, data=data, file_name=name, mime=MIME.get(Path(name).suffix, "text/plain"),
        key=key, help=help_text, on_click="ignore",
    )


# Column widths in pixels: every table's columns add up to at most 800 px, the width of the
# main area at a 1280 px window with the sidebar open, so no table scrolls sideways.
def column(label: str, width: int, help_text: str | None = None):
    return st.column_config.Column(label, width=width, help=help_text)


def count(label: str, width: int, help_text: str | None = None):
    return st.column_config.NumberColumn(label, width=width, help=help_text, format="%d")


def flag(label: str, width: int, help_text: str | None = None):
    return st.column_config.CheckboxColumn(label, width=width, help=help_text)
