"""Violations: who was over-contacted, by which teams, and which messages caused each one."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from lib import queries, ui
from lib.queries import Filters

TOP_N_OPTIONS = (25, 50, 100, 250, 1000)

RANKING_COLUMNS = {
    "rank": st.column_config.NumberColumn("#", width="small"),
    "email": "Contact",
    "full_name": "Name",
    "account_name": "Account",
    "violations": ui.count_column("Violations"),
    "max_messages_in_window": ui.count_column(
        "Most messages in a window",
        "Highest number of messages received inside one rule window.",
    ),
    "max_teams_in_window": ui.count_column(
        "Most teams in a window",
        "Highest number of different teams messaging inside one rule window.",
    ),
    "teams": "Teams involved",
    "is_opted_out": st.column_config.CheckboxColumn(
        "Opted out", help="The contact has opted out of marketing email."
    ),
    "last_violation_at": ui.utc_column("Last violation (UTC)"),
}
CONTACT_VIOLATION_COLUMNS = {
    "sent_at": ui.utc_column("Sent (UTC)"),
    "rule_id": "Rule",
    "severity": "Severity",
    "team": "Sent by team",
    "category": "Category",
    "messages_in_window": ui.count_column("In window"),
    "max_messages": ui.count_column("Limit"),
    "teams_in_window": "Teams in window",
    "window_start": ui.utc_column("Window start (UTC)"),
    "window_end": ui.utc_column("Window end (UTC)"),
    "message_id": "Offending message",
}
MESSAGE_COLUMNS = {
    "broke_the_rule": st.column_config.CheckboxColumn("Broke the rule", width="small"),
    "sent_at": ui.utc_column("Sent (UTC)"),
    "team": "Team",
    "category": "Category",
    "channel": "Channel",
    "sender": "Sender",
    "subject": "Subject",
    "campaign_id": "Campaign",
    "source_system": "Source",
    "message_id": "Message id",
}


def render_filters() -> tuple[Filters, int] | None:
    filters = ui.sidebar_filters(
        "violations",
        *queries.violation_days(),
        dates_label="Violation dates",
        dates_help="Day (UTC) the offending message was sent.",
        rules=queries.violation_rules(),
        severities=queries.violation_severities(),
        severities_help="Severity of the rule that was broken. Leave empty for all severities.",
        teams=queries.sending_teams(),
        teams_help="Team that sent the message that broke the rule. Leave empty for all teams.",
    )
    if filters is None:
        return None
    limit = st.sidebar.selectbox(
        "Contacts to list",
        TOP_N_OPTIONS,
        index=1,
        key="violations_limit",
        help="How many of the most-contacted contacts to rank.",
    )
    return filters, limit


def render_summary(filters: Filters) -> None:
    summary = queries.violation_summary(filters)
    ui.metric_row(
        [
            ui.Metric(
                "Violations",
                summary.get("violations"),
                "Offending messages matching the filters (one per message and rule broken).",
            ),
            ui.Metric(
                "Contacts affected",
                summary.get("contacts"),
                "Distinct contacts who received at least one offending message.",
            ),
            ui.Metric(
                "Accounts affected", summary.get("accounts"), "Distinct accounts of those contacts."
            ),
            ui.Metric(
                "Most messages in one window",
                summary.get("max_messages_in_window"),
                "The highest number of messages a single contact received within one rule "
                "window (including the offending message).",
            ),
        ]
    )


def render_ranking(ranked: pd.DataFrame) -> None:
    st.subheader("Most over-contacted contacts")
    st.caption(
        "Contacts ranked by number of violations, then by the most messages they received "
        "inside a single rule window. *Teams involved* lists every team that messaged them "
        "inside those windows."
    )
    if ranked.empty:
        st.success("No violations match these filters.")
        return
    ui.table(ranked.assign(rank=range(1, len(ranked) + 1)), RANKING_COLUMNS)


def render_contact(ranked: pd.DataFrame, filters: Filters) -> None:
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
    st.markdown(profile_line(queries.contact_profile(contact_id)))
    violations = queries.contact_violations(filters, contact_id)
    st.caption(
        "Each row is a message that broke a rule for this contact, newest first. *In window* "
        "counts the messages the contact received inside the rule's window, against the limit."
    )
    ui.table(violations, CONTACT_VIOLATION_COLUMNS)
    if not violations.empty:
        render_violation_messages(violations)


def profile_line(profile: dict[str, object]) -> str:
    details = [profile.get("full_name"), profile.get("title"), profile.get("account_name")]
    line = " · ".join(str(part) for part in details if part and not pd.isna(part))
    owner = profile.get("owner_name")
    if owner and not pd.isna(owner):
        line += f" · account owner: {owner} ({ui.team_label(profile.get('owner_team'))})"
    if profile.get("is_opted_out") is True:
        line += " · **opted out**"
    return line


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
    messages = queries.window_messages(message_ids, violation.message_id)
    missing = len(set(message_ids) - set(messages["message_id"]))
    if missing:
        st.warning(f"{missing} message(s) listed by this violation are not in the warehouse.")
    ui.table(messages, MESSAGE_COLUMNS)


with ui.page(
    "Communication-policy violations",
    "A violation is a message that took a contact over a policy limit, e.g. more than 2 "
    "non-exempt messages in any rolling 7 days across all teams. Rules, exemptions and windows "
    "are defined in the warehouse; this page only shows their results.",
):
    picked = render_filters()
    if picked is None:
        st.success("The warehouse holds no policy violations.")
    else:
        filters, limit = picked
        render_summary(filters)
        ranked = queries.ranked_contacts(filters, limit)
        render_ranking(ranked)
        if not ranked.empty:
            render_contact(ranked, filters)
