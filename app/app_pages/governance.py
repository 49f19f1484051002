"""Governance: violations by rule, team and week; the worst-contacted contacts and accounts;
the cross-team calendar; the fatigue curve; and what any single system's own cap misses."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st
from lib import queries, ui
from lib.queries import Filters

TOP_N = 10
NO_FILTERS = Filters(dt.date.min, dt.date.max)  # no violations: nothing to pick
SEVERITY_ORDER = ["High", "Medium", "Low"]

RULE_TEAM_COLUMNS = {
    "rule": ui.text_column("Rule", "large"),
    "severity": "Severity",
    "team": "Sent by team",
    "violation_count": ui.count_column("Violations"),
    "contacts": ui.count_column("Contacts"),
}
CONTACT_COLUMNS = {
    "email": ui.text_column("Contact"),
    "account_name": ui.text_column("Account"),
    "violations": ui.count_column("Violations"),
    "max_messages_in_window": ui.count_column("Most in a window"),
    "teams": ui.text_column("Teams involved"),
}
ACCOUNT_COLUMNS = {
    "account_name": ui.text_column("Account"),
    "journey_stage": "Stage",
    "arr": st.column_config.NumberColumn("ARR", format="dollar"),
    "violations": ui.count_column("Violations"),
    "high_severity": ui.count_column("High", "Violations of high-severity rules."),
    "contacts": ui.count_column("Contacts", "Contacts of the account who got one."),
    "rules": ui.count_column("Rules", "Different rules broken."),
    "last_violation_at": st.column_config.DateColumn("Last", format="YYYY-MM-DD"),
}
CAP_MISS_COLUMNS = {
    "rule": ui.text_column("Rule", "large"),
    "source_system": "If only this system capped",
    "violations": ui.count_column("Violations"),
    "violations_caught": ui.count_column("It would catch"),
    "share_missed": st.column_config.ProgressColumn(
        "Share it would miss", format="percent", min_value=0.0, max_value=1.0
    ),
}
LEAST_COVERED_COLUMNS = {
    "email": ui.text_column("Contact"),
    "account_name": ui.text_column("Account"),
    "messages_total": ui.count_column("Messages"),
    "source_system_count": ui.count_column("Systems"),
    "largest_source_system": "Best-placed system",
    "largest_source_share": st.column_config.ProgressColumn(
        "Share it saw", format="percent", min_value=0.0, max_value=1.0
    ),
}


def render_filters() -> Filters | None:
    return ui.sidebar_filters(
        "governance",
        *queries.violation_days(),
        dates_help="Day (UTC) a violating message was sent.",
        severities=queries.violation_severities(),
        teams=queries.sending_teams(),
        teams_help="Team that sent the message. Leave empty for all teams.",
        accounts=True,
    )


def rule_labels(frame: pd.DataFrame) -> pd.Series:
    """A rule's words (its id when it has none)."""
    return frame["rule_description"].where(frame["rule_description"].notna(), frame["rule_id"])


def render_violations(filters: Filters) -> None:
    ui.section(
        "Violations by rule and week",
        "Messages that broke a rule, per week (starting Monday), by rule. Hover a bar for the "
        "rule in words.",
    )
    weekly = queries.violations_by_rule_week(filters)
    if weekly.empty:
        st.success("No violations in the selected dates, teams and severities.")
        return
    data = weekly.assign(
        rule=rule_labels(weekly), severity=weekly["severity"].map(ui.severity_label)
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(week_start):O", title="Week (starting Monday)"),
            y=alt.Y("sum(violation_count):Q", title="Violations"),
            color=alt.Color(
                "rule:N",
                title="Rule",
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=640),
            ),
            tooltip=[
                alt.Tooltip("week_start:T", title="Week", format="%Y-%m-%d"),
                alt.Tooltip("rule:N", title="Rule"),
                alt.Tooltip("severity:N", title="Severity"),
                alt.Tooltip("sum(violation_count):Q", title="Violations"),
            ],
        )
    )
    st.altair_chart(chart, width="stretch")

    ui.section(
        "By rule, severity and team",
        "Which team sent the messages that broke each rule, most violations first.",
    )
    by_team = queries.violations_by_rule_team(filters)
    ui.table(by_team.assign(rule=rule_labels(by_team)), RULE_TEAM_COLUMNS)


def render_worst(filters: Filters) -> None:
    with st.container():
        ui.section(
            f"Worst-contacted contacts (top {TOP_N})",
            "Most violating messages received, then the fullest window.",
        )
        contacts = queries.ranked_contacts(filters, TOP_N)
        if contacts.empty:
            st.success("No contact was over-contacted.")
        else:
            ui.table(contacts, CONTACT_COLUMNS)
            st.page_link(
                "app_pages/violations.py",
                label="Drill into a contact's violations",
                icon=":material/search:",
            )
    with st.container():
        ui.section(
            f"Worst-contacted accounts (top {TOP_N})",
            "Violating messages to any of the account's people, with its stage and ARR.",
        )
        accounts = queries.ranked_accounts(filters, TOP_N)
        if accounts.empty:
            st.success("No account was over-contacted.")
        else:
            ui.table(accounts, ACCOUNT_COLUMNS)


def render_calendar(teams: list[str] | tuple[str, ...]) -> None:
    ui.section(
        "Cross-team calendar",
        "Messages per week and team, sent and planned, over every week of the calendar (the "
        "team filter applies). Pale cells are open slots: a team planning a send can pick a "
        "week when the others are quiet.",
    )
    first, last, kinds = queries.calendar_bounds()
    if first is None or last is None:
        st.info("The calendar is empty.")
        return
    left, right = st.columns(2)
    picked_kinds = left.multiselect(
        "Show",
        kinds,
        default=kinds,
        key="governance_calendar_kinds",
        format_func=lambda kind: {"sent": "Sent", "planned": "Planned"}.get(kind, kind),
        help="Messages already sent and sends planned (from the planned-sends export).",
    )
    categories = right.multiselect(
        "Categories",
        list(ui.CATEGORY_LABELS),
        key="governance_calendar_categories",
        placeholder="All categories",
        format_func=ui.category_label,
        help="What the messages are about. Leave empty for all categories.",
    )
    filters = Filters(first, last, teams=teams)
    calendar = queries.calendar(filters, picked_kinds, categories)
    if calendar.empty:
        st.info("No sent or planned messages in the selected weeks and teams.")
        return
    data = (
        ui.with_labels(calendar)
        .groupby(["week_start", "team"], as_index=False)["message_count"]
        .sum()
    )
    heatmap = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("yearmonthdate(week_start):O", title="Week (starting Monday)"),
            y=alt.Y("team:N", title="Team"),
            color=alt.Color("message_count:Q", title="Messages", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("week_start:T", title="Week", format="%Y-%m-%d"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("message_count:Q", title="Messages"),
            ],
        )
        .properties(height=240)
    )
    st.altair_chart(heatmap, width="stretch")


def render_fatigue() -> None:
    ui.section(
        "Fatigue curve",
        "Unsubscribe rate of a message by how many messages the contact had already received "
        "in the window before it. Filled points have enough sends to trust; the dashed line is "
        "the recommended weekly cap. Warehouse-wide: the curve is kept over every contact, team "
        "and day of the history (rpt_fatigue_curve), so the sidebar filters do not apply.",
    )
    curve = queries.fatigue_curve()
    if curve.empty:
        st.info("The fatigue curve is empty: not enough messages with outcomes yet.")
        return
    cap = curve["recommended_cap_per_week"].dropna()
    if not cap.empty:
        st.metric(
            "Recommended cap",
            f"{int(cap.iloc[0])} per week",
            help="The most messages per contact per week before unsubscribes rise above the "
            "baseline (rpt_fatigue_curve).",
        )
    data = curve.assign(
        window=curve["window_name"].map(lambda name: f"Previous {name}"),
        evidence=curve["has_sufficient_evidence"].map(
            {True: "Enough sends", False: "Too few sends"}
        ),
    )
    base = alt.Chart(data).encode(
        x=alt.X("messages_prior:Q", title="Messages already received in the window"),
        y=alt.Y("unsubscribe_rate:Q", title="Unsubscribe rate", axis=alt.Axis(format="%")),
        color=alt.Color("window:N", title="Window"),
    )
    points = base.mark_point(size=70).encode(
        shape=alt.Shape("evidence:N", title="Evidence"),
        fill=alt.condition("datum.has_sufficient_evidence", "window:N", alt.value("white")),
        tooltip=[
            alt.Tooltip("window:N", title="Window"),
            alt.Tooltip("messages_prior_label:N", title="Messages before"),
            alt.Tooltip("sends:Q", title="Sends", format=","),
            alt.Tooltip("unsubscribe_rate:Q", title="Unsubscribe rate", format=".2%"),
        ],
    )
    layers = [base.mark_line(), points]
    if not cap.empty:
        rule = (
            alt.Chart(pd.DataFrame({"cap": [int(cap.iloc[0])]}))
            .mark_rule(strokeDash=[6, 4], color="firebrick")
            .encode(x="cap:Q", tooltip=[alt.Tooltip("cap:Q", title="Recommended cap per week")])
        )
        layers.append(rule)
    st.altair_chart(alt.layer(*layers).properties(height=300), width="stretch")


def render_coverage(filters: Filters) -> None:
    ui.section(
        "Coverage: what each system sees",
        "Every vendor caps only the messages it sends itself. For each contact, the share of "
        "the messages they received that the best-placed single system saw: anything under "
        "100% is invisible to that system's own frequency cap. The region and segment filters "
        "apply; dates and teams do not: coverage is kept per contact over all their messages "
        "from every team (rpt_contact_coverage).",
    )
    summary = queries.coverage_summary(filters)
    average = summary.get("average_largest_share")
    left, middle, right = st.columns(3)
    left.metric(
        "Contacts messaged", ui.fmt_int(summary.get("contacts")), help="rpt_contact_coverage"
    )
    middle.metric(
        "Messaged by more than one system",
        ui.fmt_int(summary.get("contacts_split")),
        help="Contacts no single system saw all the messages of.",
    )
    right.metric(
        "Average share the best system saw",
        ui.MISSING if ui.is_missing(average) else f"{average:.0%}",
        help="Per contact, the largest share of their messages a single system saw; averaged.",
    )
    shares = queries.coverage_shares(filters)
    if not shares.empty:
        shares = shares.assign(system=ui.map_distinct(shares["largest_source_system"],
                                                      ui.source_label))
        histogram = (
            alt.Chart(shares)
            .mark_bar()
            .encode(
                x=alt.X(
                    "share_from:Q",
                    bin="binned",
                    title="Share of the contact's messages the best-placed system saw",
                    axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1]),
                ),
                x2="share_to:Q",
                y=alt.Y("sum(contacts):Q", title="Contacts"),
                color=alt.Color("system:N", title="Best-placed system"),
                tooltip=[
                    alt.Tooltip("system:N", title="Best-placed system"),
                    alt.Tooltip("share_from:Q", title="Share from", format=".0%"),
                    alt.Tooltip("share_to:Q", title="to", format=".0%"),
                    alt.Tooltip("contacts:Q", title="Contacts", format=","),
                ],
            )
            .properties(height=220)
        )
        st.altair_chart(histogram, width="stretch")

    misses = queries.single_source_cap_misses(filters)
    st.markdown("**What a single vendor's own cap would miss**")
    st.caption(
        "For each count-based rule: of its violations, how many one system would have caught "
        "on its own messages alone, and the share it would miss. The severity filter applies; "
        "the others do not: the mart is kept per rule and system over the whole history "
        "(rpt_single_source_cap_misses)."
    )
    if misses.empty:
        st.success("No count-based rule of the selected severities has violations.")
    else:
        ui.table(misses.assign(rule=rule_labels(misses)), CAP_MISS_COLUMNS)

    st.markdown(f"**Least-covered contacts (top {TOP_N})**")
    ui.table(queries.least_covered_contacts(filters, TOP_N), LEAST_COVERED_COLUMNS)


with ui.page(
    "Governance",
    "Where the communication policy is broken, by whom and to whom; when teams pile up on the "
    "same weeks; how many messages are too many; and why only the warehouse, not any single "
    "system, can enforce a cap.",
    tables=queries.GOVERNANCE_TABLES,
):
    filters = render_filters()
    if filters is None:
        st.success("The warehouse holds no policy violations.")
    else:
        render_violations(filters)
        render_worst(filters)
    render_calendar(filters.teams if filters else ())
    render_fatigue()
    render_coverage(filters or NO_FILTERS)
