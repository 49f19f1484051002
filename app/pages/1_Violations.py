"""Clearinghouse dashboard: communication-policy violations.

Who was over-contacted, by which teams, and which messages caused each violation.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[1]
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from lib import db, ui  # noqa: E402

st.title("Communication-policy violations")
st.caption(
    "A violation is a message that took a contact over a policy limit, e.g. more than 2 "
    "non-exempt messages in any rolling 7 days across all teams. Rules, exemptions and windows "
    "are defined in the warehouse; this page only shows their results."
)

TOP_N_OPTIONS = (25, 50, 100, 250, 1000)
UTC = st.column_config.DatetimeColumn
WHEN_FORMAT = "YYYY-MM-DD HH:mm"

# Shared predicate, repeated verbatim in each static query below (values bound by name):
#   rule, team (of the offending message) and the day the offending message was sent.
RANKED_CONTACTS_SQL = """
select
    v.contact_id,
    c.email,
    c.full_name,
    a.account_name,
    count(*) as violations,
    max(v.messages_in_window) as max_messages_in_window,
    max(v.team_count_in_window) as max_teams_in_window,
    array_to_string(
        list_sort(list_distinct(flatten(list(
            regexp_split_to_array(v.teams_in_window, '\\s*,\\s*')
        )))),
        ','
    ) as teams,
    bool_or(c.is_opted_out) as is_opted_out,
    max(v.sent_at) as last_violation_at
from fct_cadence_violations as v
left join dim_contacts as c on c.contact_id = v.contact_id
left join dim_accounts as a on a.account_id = v.account_id
where (len($rules::varchar[]) = 0 or v.rule_id = any($rules::varchar[]))
  and (len($teams::varchar[]) = 0 or v.team = any($teams::varchar[]))
  and v.sent_at >= $start::date and v.sent_at < $end::date + 1
group by v.contact_id, c.email, c.full_name, a.account_name
order by violations desc, max_messages_in_window desc, c.email, v.contact_id
limit $limit
"""

SUMMARY_SQL = """
select
    count(*) as violations,
    count(distinct v.contact_id) as contacts,
    count(distinct v.account_id) as accounts,
    max(v.messages_in_window) as max_messages_in_window
from fct_cadence_violations as v
where (len($rules::varchar[]) = 0 or v.rule_id = any($rules::varchar[]))
  and (len($teams::varchar[]) = 0 or v.team = any($teams::varchar[]))
  and v.sent_at >= $start::date and v.sent_at < $end::date + 1
"""

CONTACT_VIOLATIONS_SQL = """
select
    v.violation_id,
    v.sent_at,
    v.rule_id,
    v.rule_description,
    v.severity,
    v.team,
    v.category,
    v.messages_in_window,
    v.max_messages,
    v.team_count_in_window,
    v.teams_in_window,
    v.window_start,
    v.window_end,
    v.message_id,
    v.message_ids_in_window,
    v.reason
from fct_cadence_violations as v
where v.contact_id = $contact_id
  and (len($rules::varchar[]) = 0 or v.rule_id = any($rules::varchar[]))
  and (len($teams::varchar[]) = 0 or v.team = any($teams::varchar[]))
  and v.sent_at >= $start::date and v.sent_at < $end::date + 1
order by v.sent_at desc, v.rule_id, v.violation_id
"""

CONTACT_PROFILE_SQL = """
select
    c.contact_id, c.email, c.full_name, c.title, c.is_opted_out, c.opted_out_at,
    a.account_name, a.plan, a.owner_name, a.owner_team
from dim_contacts as c
left join dim_accounts as a on a.account_id = c.account_id
where c.contact_id = ?
"""

WINDOW_MESSAGES_SQL = """
select
    m.sent_at,
    m.team,
    m.category,
    m.channel,
    m.sender,
    m.subject,
    m.campaign_id,
    m.source_system,
    m.message_id,
    m.message_id = $violating_message_id as broke_the_rule
from fct_communications as m
where m.message_id = any($message_ids::varchar[])
order by m.sent_at, m.message_id
"""


def render_filters() -> dict[str, object] | None:
    st.sidebar.header("Filters")
    bounds = db.scalar_row(
        "select min(sent_at)::date as first_day, max(sent_at)::date as last_day "
        "from fct_cadence_violations"
    )
    first, last = ui.to_date(bounds.get("first_day")), ui.to_date(bounds.get("last_day"))
    if first is None or last is None:
        return None

    rules = db.query(
        "select rule_id, min(rule_description) as rule_description "
        "from fct_cadence_violations group by rule_id order by rule_id"
    )
    rule_text = dict(zip(rules["rule_id"], rules["rule_description"], strict=True))
    selected_rules = ui.multiselect_filter(
        "Rule",
        rules["rule_id"].tolist(),
        key="violations_rules",
        placeholder="All rules",
        help_text="Policy rule that was broken. Leave empty for all rules.",
        format_func=lambda rule_id: f"{rule_id}: {rule_text.get(rule_id) or ''}".rstrip(": "),
    )
    team_options = db.query(
        "select distinct team from fct_communications where team is not null order by team"
    )["team"].tolist()
    selected_teams = ui.multiselect_filter(
        "Team",
        team_options,
        key="violations_teams",
        placeholder="All teams",
        help_text="Team that sent the message that broke the rule. Leave empty for all teams.",
        format_func=ui.team_label,
    )
    start, end = ui.date_range_filter(
        "Violation dates",
        first,
        last,
        key="violations_dates",
        help_text="Day (UTC) the offending message was sent.",
    )
    limit = st.sidebar.selectbox(
        "Contacts to list",
        TOP_N_OPTIONS,
        index=1,
        key="violations_limit",
        help="How many of the most-contacted contacts to rank.",
    )
    return {
        "rules": selected_rules,
        "teams": selected_teams,
        "start": start,
        "end": end,
        "limit": limit,
    }


def render_summary(filters: dict[str, object]) -> None:
    summary = db.scalar_row(SUMMARY_SQL, without_limit(filters))
    cols = st.columns(4)
    cols[0].metric(
        "Violations",
        ui.fmt_int(summary.get("violations")),
        help="Offending messages matching the filters (one per message and rule broken).",
    )
    cols[1].metric(
        "Contacts affected",
        ui.fmt_int(summary.get("contacts")),
        help="Distinct contacts who received at least one offending message.",
    )
    cols[2].metric(
        "Accounts affected",
        ui.fmt_int(summary.get("accounts")),
        help="Distinct accounts of those contacts.",
    )
    cols[3].metric(
        "Most messages in one window",
        ui.fmt_int(summary.get("max_messages_in_window")),
        help="The highest number of messages a single contact received within one rule "
        "window (including the offending message).",
    )


def without_limit(filters: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in filters.items() if key != "limit"}


def render_ranking(filters: dict[str, object]) -> pd.DataFrame:
    st.subheader("Most over-contacted contacts")
    st.caption(
        "Contacts ranked by number of violations, then by the most messages they received "
        "inside a single rule window. *Teams involved* lists every team that messaged them "
        "inside those windows."
    )
    ranked = db.query(RANKED_CONTACTS_SQL, filters)
    if ranked.empty:
        st.success("No violations match these filters.")
        return ranked
    table = ranked.assign(
        rank=range(1, len(ranked) + 1),
        teams=ranked["teams"].map(ui.teams_list_label),
    )
    st.dataframe(
        table,
        hide_index=True,
        column_order=(
            "rank",
            "email",
            "full_name",
            "account_name",
            "violations",
            "max_messages_in_window",
            "max_teams_in_window",
            "teams",
            "is_opted_out",
            "last_violation_at",
        ),
        column_config={
            "rank": st.column_config.NumberColumn("#", width="small"),
            "email": "Contact",
            "full_name": "Name",
            "account_name": "Account",
            "violations": st.column_config.NumberColumn("Violations", format="%d"),
            "max_messages_in_window": st.column_config.NumberColumn(
                "Most messages in a window",
                format="%d",
                help="Highest number of messages received inside one rule window.",
            ),
            "max_teams_in_window": st.column_config.NumberColumn(
                "Most teams in a window",
                format="%d",
                help="Highest number of different teams messaging inside one rule window.",
            ),
            "teams": "Teams involved",
            "is_opted_out": st.column_config.CheckboxColumn(
                "Opted out", help="The contact has opted out of marketing email."
            ),
            "last_violation_at": UTC("Last violation (UTC)", format=WHEN_FORMAT),
        },
    )
    return ranked


def render_contact(ranked: pd.DataFrame, filters: dict[str, object]) -> None:
    st.subheader("Drill down into a contact")
    labels = {
        row.contact_id: (
            f"{row.email or row.contact_id} · {row.account_name or 'no account'} "
            f"({row.violations} violation{'s' if row.violations != 1 else ''})"
        )
        for row in ranked.itertuples()
    }
    contact_id = st.selectbox(
        "Contact",
        list(labels),
        format_func=labels.get,
        key="violations_contact",
        help="Pick a contact from the ranking above (the worst is preselected).",
    )
    if contact_id is None:
        return

    profile = db.scalar_row(CONTACT_PROFILE_SQL, [contact_id])
    if profile:
        details = [profile.get("full_name"), profile.get("title"), profile.get("account_name")]
        owner = profile.get("owner_name")
        line = " · ".join(str(part) for part in details if part and not pd.isna(part))
        if owner and not pd.isna(owner):
            line += f" · account owner: {owner} ({ui.team_label(profile.get('owner_team'))})"
        if profile.get("is_opted_out") is True:
            line += " · **opted out**"
        st.markdown(line)

    params = {**without_limit(filters), "contact_id": contact_id}
    violations = db.query(CONTACT_VIOLATIONS_SQL, params)
    st.caption(
        "Each row is a message that broke a rule for this contact, newest first. *In window* "
        "counts the messages the contact received inside the rule's window, against the limit."
    )
    st.dataframe(
        violations.assign(
            team=violations["team"].map(ui.team_label),
            category=violations["category"].map(ui.category_label),
            teams_in_window=violations["teams_in_window"].map(ui.teams_list_label),
        ),
        hide_index=True,
        column_order=(
            "sent_at",
            "rule_id",
            "severity",
            "team",
            "category",
            "messages_in_window",
            "max_messages",
            "teams_in_window",
            "window_start",
            "window_end",
            "message_id",
        ),
        column_config={
            "sent_at": UTC("Sent (UTC)", format=WHEN_FORMAT),
            "rule_id": "Rule",
            "severity": "Severity",
            "team": "Sent by team",
            "category": "Category",
            "messages_in_window": st.column_config.NumberColumn("In window", format="%d"),
            "max_messages": st.column_config.NumberColumn("Limit", format="%d"),
            "teams_in_window": "Teams in window",
            "window_start": UTC("Window start (UTC)", format=WHEN_FORMAT),
            "window_end": UTC("Window end (UTC)", format=WHEN_FORMAT),
            "message_id": "Offending message",
        },
    )
    if violations.empty:
        return
    render_violation_messages(violations)


def render_violation_messages(violations: pd.DataFrame) -> None:
    by_id = {row.violation_id: row for row in violations.itertuples()}

    def describe(violation_id: str) -> str:
        row = by_id[violation_id]
        return (
            f"{pd.Timestamp(row.sent_at):%Y-%m-%d %H:%M} · {row.rule_id} · "
            f"{ui.team_label(row.team)} · {row.messages_in_window} messages "
            f"(limit {row.max_messages})"
        )

    violation_id = st.selectbox(
        "Violation",
        list(by_id),
        format_func=describe,
        key="violations_violation",
        help="Pick a violation to see the messages that caused it.",
    )
    if violation_id is None:
        return
    violation = by_id[violation_id]
    message_ids = [
        part.strip()
        for part in str(violation.message_ids_in_window or "").split(",")
        if part.strip()
    ]
    st.markdown(f"**Messages that caused it**: {violation.rule_description or violation.rule_id}")
    reason = getattr(violation, "reason", None)
    st.caption(
        (f"Why: {reason}. " if reason else "")
        + f"The {len(message_ids)} counted messages in the rule's window, "
        f"{pd.Timestamp(violation.window_start):%Y-%m-%d %H:%M} to "
        f"{pd.Timestamp(violation.window_end):%Y-%m-%d %H:%M} UTC, oldest first (for an "
        "account rule, to any contact of the account). The ticked row is the message that "
        "broke the rule."
    )
    messages = db.query(
        WINDOW_MESSAGES_SQL,
        {"message_ids": message_ids, "violating_message_id": violation.message_id},
    )
    missing = len(set(message_ids) - set(messages["message_id"]))
    if missing:
        st.warning(f"{missing} message(s) listed by this violation are not in the warehouse.")
    st.dataframe(
        messages.assign(
            team=messages["team"].map(ui.team_label),
            category=messages["category"].map(ui.category_label),
            channel=messages["channel"].map(ui.channel_label),
        ),
        hide_index=True,
        column_order=(
            "broke_the_rule",
            "sent_at",
            "team",
            "category",
            "channel",
            "sender",
            "subject",
            "campaign_id",
            "source_system",
            "message_id",
        ),
        column_config={
            "broke_the_rule": st.column_config.CheckboxColumn("Broke the rule", width="small"),
            "sent_at": UTC("Sent (UTC)", format=WHEN_FORMAT),
            "team": "Team",
            "category": "Category",
            "channel": "Channel",
            "sender": "Sender",
            "subject": "Subject",
            "campaign_id": "Campaign",
            "source_system": "Source",
            "message_id": "Message id",
        },
    )


with ui.warehouse_guard():
    filters = render_filters()
    if filters is None:
        st.success("The warehouse holds no policy violations.")
    else:
        render_summary(filters)
        ranked = render_ranking(filters)
        if not ranked.empty:
            render_contact(ranked, filters)
    ui.warehouse_footer()
