"""Team service levels: first reply and resolution against the targets, breaches by account
stage and ARR, time to action on tasks, and each teammate's open workload per day."""

from __future__ import annotations

import altair as alt
import streamlit as st
from lib import queries, ui
from lib.queries import Filters

WORKLOAD_DAYS = (14, 30, 90)
OPEN_BREACHES_LIMIT = 25


def hours(label: str, help_text: str | None = None):
    return st.column_config.NumberColumn(label, format="%.1f", help=help_text)


def share(label: str):
    return st.column_config.ProgressColumn(
        label, format="percent", min_value=0.0, max_value=1.0, width="small"
    )


TICKET_COLUMNS = {
    "team": "Team",
    "priority": "Priority",
    "tickets": ui.count_column("Tickets"),
    "open_tickets": ui.count_column("Open"),
    "median_first_reply_hours": hours("Reply (h)", "Median hours to the first reply."),
    "first_reply_target_hours": hours("Target (h)", "First-reply target of the priority."),
    "first_reply_breach_rate": share("Reply late"),
    "median_resolution_hours": hours("Resolved (h)", "Median hours to resolution."),
    "resolution_target_hours": hours("Target (h)", "Resolution target of the priority."),
    "resolution_breach_rate": share("Resolved late"),
}
STAGE_COLUMNS = {
    "journey_stage": "Account stage",
    "tickets": ui.count_column("Tickets"),
    "breached_tickets": ui.count_column("Breached"),
    "breach_rate": share("Breach rate"),
    "accounts_breached": ui.count_column("Accounts with a breach"),
    "arr_breached": st.column_config.NumberColumn("Their ARR", format="dollar"),
}
OPEN_BREACH_COLUMNS = {
    "ticket_id": "Ticket",
    "account_name": ui.text_column("Account"),
    "journey_stage": "Stage",
    "account_arr": st.column_config.NumberColumn("ARR", format="dollar"),
    "priority": "Priority",
    "team": "Team",
    "teammate_name": "Assignee",
    "created_at": ui.utc_column("Opened (UTC)"),
    "is_first_reply_breached": st.column_config.CheckboxColumn("Reply late"),
    "is_resolution_breached": st.column_config.CheckboxColumn("Resolution late"),
}
TASK_COLUMNS = {
    "team": "Team",
    "task_type": "Task type",
    "tasks": ui.count_column("Tasks"),
    "median_hours_to_action": hours("Median time to action (h)"),
    "p90_hours_to_action": hours("90th percentile (h)"),
    "open_tasks": ui.count_column("Open"),
    "median_open_age_hours": hours("Median open age (h)"),
}


def render_filters() -> Filters | None:
    return ui.sidebar_filters(
        "service",
        *queries.service_days(),
        dates_help="Tickets and tasks created on these days (UTC); the workload's last day.",
        teams=queries.service_teams(),
        teams_help="Team working the ticket or task. Leave empty for all teams.",
        accounts=True,
    )


def render_tickets(filters: Filters) -> None:
    ui.section(
        "Tickets: first reply and resolution against the targets",
        "Per team and priority: median hours against the target of the priority (calendar "
        "hours), and the share of tickets that missed it (open tickets past their target count "
        "as late).",
    )
    levels = queries.ticket_levels(filters)
    if levels.empty:
        st.info("No ticket was opened in the selected dates, teams, regions and segments.")
        return
    levels = levels.assign(
        priority=levels["priority"].map(
            lambda p: ui.MISSING if ui.is_missing(p) else str(p).capitalize()
        )
    )
    ui.table(levels, TICKET_COLUMNS)

    with st.container():
        ui.section(
            "Breaches by account stage",
            "Tickets that missed a target, by the account's journey stage today, and the ARR "
            "of the accounts that had one.",
        )
        ui.table(queries.breaches_by_stage(filters), STAGE_COLUMNS)
    with st.container():
        ui.section(
            "Open tickets already late, largest accounts first",
            f"Up to {OPEN_BREACHES_LIMIT} open tickets past a target, by the account's ARR.",
        )
        late = queries.open_breaches(filters, OPEN_BREACHES_LIMIT)
        if late.empty:
            st.success("No open ticket is late.")
        else:
            late = late.assign(priority=late["priority"].str.capitalize())
            ui.table(late, OPEN_BREACH_COLUMNS)


def render_tasks(filters: Filters) -> None:
    ui.section(
        "Tasks: time to action",
        "CRM tasks (calls, emails, meetings) per team and type: hours from creation to "
        "completion, and how long the open ones have waited. The warehouse sets no target for "
        "tasks, so none is shown.",
    )
    tasks = queries.task_levels(filters)
    if tasks.empty:
        st.info("No task was created in the selected dates, teams, regions and segments.")
        return
    ui.table(tasks, TASK_COLUMNS)


def render_workload(filters: Filters) -> None:
    ui.section(
        "Workload per teammate per day",
        "Open tickets and tasks each teammate held at the end of each day, over the last days "
        "of the selected range. Outlined cells: the teammate was swamped (in the top of their "
        "team that day).",
    )
    days = st.segmented_control(
        "Days to show",
        WORKLOAD_DAYS,
        default=WORKLOAD_DAYS[0],
        key="service_workload_days",
        format_func=lambda n: f"Last {n} days",
    )
    workload = queries.workload(filters, int(days or WORKLOAD_DAYS[0]))
    if workload.empty:
        st.info("No open work in these days and teams.")
        return
    data = ui.with_labels(workload).assign(
        swamped=workload["is_swamped"].map({True: "Swamped", False: "Normal"}),
        person=lambda f: f["teammate_name"].fillna(ui.MISSING) + " (" + f["team"] + ")",
    )
    heatmap = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("yearmonthdate(workload_date):O", title="Day"),
            y=alt.Y("person:N", title="Teammate (team)"),
            color=alt.Color("open_items:Q", title="Open items", scale=alt.Scale(scheme="purples")),
            stroke=alt.Stroke(
                "swamped:N",
                title="Load",
                scale=alt.Scale(domain=["Normal", "Swamped"], range=["transparent", "firebrick"]),
            ),
            strokeWidth=alt.value(2),
            tooltip=[
                alt.Tooltip("workload_date:T", title="Day", format="%Y-%m-%d"),
                alt.Tooltip("person:N", title="Teammate"),
                alt.Tooltip("open_tickets:Q", title="Open tickets"),
                alt.Tooltip("open_tasks:Q", title="Open tasks"),
                alt.Tooltip("items_opened:Q", title="Opened that day"),
            ],
        )
        .properties(height=max(120, 22 * data["person"].nunique()))
    )
    st.altair_chart(heatmap, width="stretch")


with ui.page(
    "Team service levels",
    "How fast each team answers and resolves tickets against the targets, how quickly tasks "
    "get done, where the breaches fall (by account stage and ARR), and who carries the work.",
    tables=queries.SERVICE_TABLES,
):
    filters = render_filters()
    if filters is None:
        st.info("The warehouse holds no tickets or tasks yet.")
    else:
        render_tickets(filters)
        render_tasks(filters)
        render_workload(filters)
