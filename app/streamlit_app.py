"""Clearinghouse dashboard: entry point (navigation) and the Overview page.

Run with ``streamlit run app/streamlit_app.py``. Reads the marts only, read-only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))

import streamlit as st  # noqa: E402
from lib import db, ui  # noqa: E402


def render_kpis() -> None:
    kpis = db.scalar_row(
        """
        select
            (select count(*) from dim_accounts) as accounts,
            (select count(*) from dim_contacts) as contacts,
            (select count(*) from fct_communications) as messages,
            (select count(distinct contact_id) from fct_cadence_violations)
                as contacts_with_violations,
            (select count(*) from fct_cadence_violations) as violations
        """
    )
    st.subheader("At a glance")
    st.caption("Warehouse totals: all time, all teams (the sidebar filters apply to the charts).")
    cols = st.columns(5)
    cols[0].metric(
        "Accounts",
        ui.fmt_int(kpis.get("accounts")),
        help="Companies after de-duplication across Salesforce, Stripe, Zendesk and HubSpot.",
    )
    cols[1].metric(
        "Contacts",
        ui.fmt_int(kpis.get("contacts")),
        help="Unique people after matching the same person across source systems.",
    )
    cols[2].metric(
        "Messages",
        ui.fmt_int(kpis.get("messages")),
        help="Every email or call any team sent to a contact, de-duplicated.",
    )
    cols[3].metric(
        "Contacts with violations",
        ui.fmt_int(kpis.get("contacts_with_violations")),
        help="Contacts who received more messages than the communication policy allows.",
    )
    cols[4].metric(
        "Policy violations",
        ui.fmt_int(kpis.get("violations")),
        help="Messages that pushed a contact over a policy limit (one per offending message "
        "and rule).",
    )


def render_filters() -> dict[str, object] | None:
    st.sidebar.header("Filters")
    bounds = db.scalar_row(
        "select min(week_start) as first_week, max(week_start) as last_week "
        "from rpt_messages_by_team_week"
    )
    first, last = ui.to_date(bounds.get("first_week")), ui.to_date(bounds.get("last_week"))
    if first is None or last is None:
        return None
    start, end = ui.date_range_filter(
        "Weeks",
        first,
        last + dt.timedelta(days=6),
        key="overview_weeks",
        help_text="Charts show every week (starting Monday) that overlaps this range.",
    )
    team_options = db.query(
        "select distinct team from rpt_messages_by_team_week where team is not null order by team"
    )["team"].tolist()
    teams = ui.multiselect_filter(
        "Teams",
        team_options,
        key="overview_teams",
        placeholder="All teams",
        help_text="Sending team. Leave empty for all teams.",
        format_func=ui.team_label,
    )
    return {"start": start, "end": end, "teams": teams}


def render_messages_by_week(filters: dict[str, object]) -> None:
    st.subheader("Messages by team per week")
    st.caption(
        "Messages sent to contacts each week, stacked by sending team. Many teams peaking in "
        "the same week is when contacts get over-messaged."
    )
    frame = db.query(
        """
        select week_start, team, sum(message_count)::bigint as message_count
        from rpt_messages_by_team_week
        where week_start between date_trunc('week', $start::date) and $end
          and (len($teams::varchar[]) = 0 or team = any($teams::varchar[]))
        group by week_start, team
        order by week_start, team
        """,
        filters,
    )
    if frame.empty:
        st.info("No messages in the selected weeks and teams.")
        return
    chart = frame.assign(team=frame["team"].map(ui.team_label)).rename(
        columns={"week_start": "Week", "team": "Team", "message_count": "Messages"}
    )
    st.area_chart(chart, x="Week", y="Messages", color="Team", stack=True)


def render_violations_by_week(filters: dict[str, object]) -> None:
    st.subheader("Policy violations per week")
    st.caption(
        "Messages that broke a communication rule, by week and rule. The team filter applies "
        "to the team that sent the offending message."
    )
    frame = db.query(
        """
        select week_start, rule_id, sum(violation_count)::bigint as violation_count
        from rpt_violations_by_week
        where week_start between date_trunc('week', $start::date) and $end
          and (len($teams::varchar[]) = 0 or team = any($teams::varchar[]))
        group by week_start, rule_id
        order by week_start, rule_id
        """,
        filters,
    )
    if frame.empty:
        st.success("No policy violations in the selected weeks and teams.")
        return
    chart = frame.rename(
        columns={"week_start": "Week", "rule_id": "Rule", "violation_count": "Violations"}
    )
    st.bar_chart(chart, x="Week", y="Violations", color="Rule", stack=True)
    st.page_link(
        "pages/1_Violations.py",
        label="See who was over-contacted, and by which messages",
        icon=":material/search:",
    )


def render_messages_by_category(filters: dict[str, object]) -> None:
    st.subheader("Messages by category")
    st.caption(
        "What the messages were about (promotional, success, sales, support, transactional), "
        "split by sending team, over the selected weeks."
    )
    frame = db.query(
        """
        select category, team, sum(message_count)::bigint as message_count
        from rpt_messages_by_team_week
        where week_start between date_trunc('week', $start::date) and $end
          and (len($teams::varchar[]) = 0 or team = any($teams::varchar[]))
        group by category, team
        order by category, team
        """,
        filters,
    )
    if frame.empty:
        st.info("No messages in the selected weeks and teams.")
        return
    chart = frame.assign(
        category=frame["category"].map(ui.category_label),
        team=frame["team"].map(ui.team_label),
    ).rename(columns={"category": "Category", "team": "Team", "message_count": "Messages"})
    st.bar_chart(chart, x="Category", y="Messages", color="Team", horizontal=True, stack=True)


def overview_page() -> None:
    st.title("Clearinghouse: customer communications")
    st.caption(
        "One governed view of every message any team sends our customers (marketing, customer "
        "success, account management, sales, support, billing) and of where we break the "
        "communication policy. All figures come from the warehouse marts."
    )
    with ui.warehouse_guard():
        render_kpis()
        filters = render_filters()
        if filters is None:
            st.info("The warehouse has no messages yet: charts appear after the next build.")
        else:
            render_messages_by_week(filters)
            left, right = st.columns(2)
            with left:
                render_violations_by_week(filters)
            with right:
                render_messages_by_category(filters)
        ui.warehouse_footer()


st.set_page_config(
    page_title="Clearinghouse", page_icon=":material/forward_to_inbox:", layout="wide"
)
st.navigation(
    [
        st.Page(overview_page, title="Overview", icon=":material/dashboard:", default=True),
        st.Page(
            "pages/1_Violations.py",
            title="Violations",
            icon=":material/report:",
        ),
    ]
).run()
