"""Overview: warehouse totals, messages by team per week, violations per week, categories."""

from __future__ import annotations

import datetime as dt

import altair as alt
import streamlit as st
from lib import queries, ui
from lib.queries import Filters

# Each chart: the query's x, color and y columns with their axis titles.
MESSAGES_BY_WEEK = ui.Chart(
    st.area_chart, {"week_start": "Week", "team": "Team", "message_count": "Messages"}
)
VIOLATIONS_BY_WEEK = ui.Chart(
    st.bar_chart, {"week_start": "Week", "rule_id": "Rule", "violation_count": "Violations"}
)
MESSAGES_BY_CATEGORY = ui.Chart(
    st.bar_chart,
    {"category": "Category", "team": "Team", "message_count": "Messages"},
    horizontal=True,
)
NO_MESSAGES = "No messages in the selected weeks and teams."
SCORECARD_COLUMNS = {
    "team_label": "Team",
    "severity_label": "Severity",
    "contacts_share": st.column_config.TextColumn("Contacts over policy"),
    "contacts_change": st.column_config.TextColumn(
        "Change (pts)", help="Against the previous period of the same length."
    ),
    "accounts_share": st.column_config.TextColumn("Accounts over policy"),
    "accounts_change": st.column_config.TextColumn(
        "Change (pts)", help="Against the previous period of the same length."
    ),
    "weeks": ui.count_column("Weeks", "Weeks in the period the team sent messages."),
}


def _points(current: object, previous: object) -> float | None:
    """The change of a share in percentage points (None when either side is missing)."""
    if ui.is_missing(current) or ui.is_missing(previous):
        return None
    return (float(current) - float(previous)) * 100


def _percent(share: object) -> str:
    return ui.MISSING if ui.is_missing(share) else f"{float(share):.1%}"


def _signed(points: float | None) -> str:
    return ui.MISSING if points is None else f"{points:+.1f}"


def render_scorecard(filters: Filters) -> None:
    ui.section(
        "Governance scorecard",
        "Each week, the share of the contacts (and accounts) a team messaged that got a "
        "message breaking a rule; averaged over the selected weeks and compared with as many "
        "weeks just before. Lower is better.",
    )
    card = queries.scorecard(filters)
    if card.empty:
        st.info("No messages in the selected weeks.")
        return
    overall = card[(card["team"] == "all") & (card["severity"] == "all")]
    if not overall.empty:
        row = overall.iloc[0]
        columns = st.columns(2)
        for column, prefix, label in (
            (columns[0], "contacts", "Contacts over policy"),
            (columns[1], "accounts", "Accounts over policy"),
        ):
            value, previous = row[f"{prefix}_share"], row[f"{prefix}_share_previous"]
            change = _points(value, previous)
            column.metric(
                f"{label} (all teams, weekly average)",
                ui.MISSING if ui.is_missing(value) else f"{value:.1%}",
                delta=None if change is None else f"{change:+.1f} pts vs previous period",
                delta_color="inverse",
                help="Average over the selected weeks of the weekly share; the change is "
                "against the same number of weeks just before.",
            )
    table = card.assign(
        contacts_share=card["contacts_share"].map(_percent),
        accounts_share=card["accounts_share"].map(_percent),
        team_label=card["team"].map(lambda t: "All teams" if t == "all" else ui.team_label(t)),
        severity_label=card["severity"].map(
            lambda s: "Any severity" if s == "all" else ui.severity_label(s)
        ),
        contacts_change=[
            _signed(_points(a, b))
            for a, b in zip(card["contacts_share"], card["contacts_share_previous"], strict=True)
        ],
        accounts_change=[
            _signed(_points(a, b))
            for a, b in zip(card["accounts_share"], card["accounts_share_previous"], strict=True)
        ],
    )
    ui.table(table, SCORECARD_COLUMNS, height=320)
    with st.container():
        weekly = queries.scorecard_weeks(filters)
        if not weekly.empty:
            data = weekly.assign(
                severity=weekly["severity"].map(
                    lambda s: "Any severity" if s == "all" else ui.severity_label(s)
                )
            )
            chart = (
                alt.Chart(data)
                .mark_line(point=True)
                .encode(
                    x=alt.X("week_start:T", title="Week"),
                    y=alt.Y(
                        "share_contacts_over_policy:Q",
                        title="Contacts over policy (all teams)",
                        axis=alt.Axis(format="%"),
                    ),
                    color=alt.Color(
                        "severity:N",
                        title="Severity",
                        sort=["Any severity", "High", "Medium", "Low"],
                    ),
                    tooltip=[
                        alt.Tooltip("week_start:T", title="Week", format="%Y-%m-%d"),
                        alt.Tooltip("severity:N", title="Severity"),
                        alt.Tooltip("share_contacts_over_policy:Q", title="Contacts", format=".1%"),
                        alt.Tooltip("share_accounts_over_policy:Q", title="Accounts", format=".1%"),
                    ],
                )
                .properties(height=260)
            )
            st.altair_chart(chart, width="stretch")


def render_charts(filters: Filters) -> None:
    ui.section(
        "Messages by team per week",
        "Messages sent to contacts each week, stacked by sending team. Many teams peaking in "
        "the same week is when contacts get over-messaged.",
    )
    MESSAGES_BY_WEEK.show(queries.messages_by_week(filters), empty=NO_MESSAGES)

    left, right = st.columns(2)
    with left:
        ui.section(
            "Policy violations per week",
            "Messages that broke a communication rule, by week and rule. The team filter "
            "applies to the team that sent the offending message.",
        )
        violations = queries.violations_by_week(filters)
        empty = "No policy violations in the selected weeks and teams."
        if VIOLATIONS_BY_WEEK.show(violations, empty=empty, empty_is_good=True):
            st.page_link(
                "app_pages/violations.py",
                label="See who was over-contacted, and by which messages",
                icon=":material/search:",
            )
    with right:
        ui.section(
            "Messages by category",
            "What the messages were about (promotional, success, sales, support, "
            "transactional), split by sending team, over the selected weeks.",
        )
        MESSAGES_BY_CATEGORY.show(queries.messages_by_category(filters), empty=NO_MESSAGES)


with ui.page(
    "Clearinghouse: customer communications",
    "One governed view of every message any team sends our customers (marketing, customer "
    "success, account management, sales, support, billing) and of where we break the "
    "communication policy. All figures come from the warehouse marts.",
    tables=queries.OVERVIEW_TABLES,
):
    totals = queries.warehouse_totals()
    ui.section(
        "At a glance",
        "Warehouse totals: all time, all teams (the sidebar filters apply to the charts).",
    )
    ui.metric_row(
        [
            ui.Metric(
                "Accounts",
                totals.get("accounts"),
                "Companies after de-duplication across Salesforce, Stripe, Zendesk and HubSpot.",
            ),
            ui.Metric(
                "Contacts",
                totals.get("contacts"),
                "Unique people after matching the same person across source systems.",
            ),
            ui.Metric(
                "Messages",
                totals.get("messages"),
                "Every email or call any team sent to a contact, de-duplicated.",
            ),
            ui.Metric(
                "Contacts with violations",
                totals.get("contacts_with_violations"),
                "Contacts who received more messages than the communication policy allows.",
            ),
            ui.Metric(
                "Policy violations",
                totals.get("violations"),
                "Messages that pushed a contact over a policy limit (one per offending message "
                "and rule).",
            ),
        ]
    )

    first_week, last_week = queries.message_weeks()
    filters = ui.sidebar_filters(
        "overview",
        first_week,
        None if last_week is None else last_week + dt.timedelta(days=6),
        dates_label="Weeks",
        dates_url="weeks",
        dates_help="Charts show every week (starting Monday) that overlaps this range.",
        teams=queries.message_teams(),
        teams_label="Teams",
        teams_help="Sending team. Leave empty for all teams.",
    )
    if filters is None:
        st.info("The warehouse has no messages yet: charts appear after the next build.")
    else:
        render_scorecard(filters)
        render_charts(filters)
