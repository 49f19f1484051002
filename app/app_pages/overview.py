"""Overview: warehouse totals, messages by team per week, violations per week, categories."""

from __future__ import annotations

import datetime as dt

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

    st.sidebar.header("Filters")
    first_week, last_week = queries.message_weeks()
    if first_week is None or last_week is None:
        st.info("The warehouse has no messages yet: charts appear after the next build.")
    else:
        start, end = ui.date_range_filter(
            "Weeks",
            first_week,
            last_week + dt.timedelta(days=6),
            key="overview_weeks",
            url="weeks",
            help_text="Charts show every week (starting Monday) that overlaps this range.",
        )
        teams = ui.team_filter(
            queries.message_teams(),
            key="overview_teams",
            url="team",
            label="Teams",
            help_text="Sending team. Leave empty for all teams.",
        )
        render_charts(Filters(start=start, end=end, teams=teams))
