"""Journeys: the stage funnel, the flows between stages, time in stage, and customer lifetime
value by journey (stage path)."""

from __future__ import annotations

import altair as alt
import streamlit as st
from lib import queries, ui
from lib.queries import Filters

CLV_PATHS = 15
STAGES = list(ui.STAGE_LABELS)

FUNNEL_COLUMNS = {
    "journey_stage": "Stage",
    "cohort_accounts": ui.count_column("Accounts in cohorts"),
    "accounts_reached": ui.count_column("Reached the stage"),
    "share_reached": st.column_config.ProgressColumn(
        "Share reached", format="percent", min_value=0.0, max_value=1.0
    ),
    "average_days_to_reach": st.column_config.NumberColumn("Average days to reach", format="%.0f"),
}
TIME_COLUMNS = {
    "journey_stage": "Stage",
    "finished_spells": ui.count_column("Finished stays"),
    "median_days_finished": st.column_config.NumberColumn("Median days", format="%.0f"),
    "p90_days_finished": st.column_config.NumberColumn("90th percentile days", format="%.0f"),
    "current_spells": ui.count_column("Accounts in it now"),
    "median_days_current": st.column_config.NumberColumn("Median days so far", format="%.0f"),
}
CLV_COLUMNS = {
    "path": ui.text_column("Journey (stages in order)", "large"),
    "accounts": ui.count_column("Accounts"),
    "churned_accounts": ui.count_column("Churned"),
    "lifetime_revenue_per_account": st.column_config.NumberColumn(
        "Revenue so far per account", format="dollar"
    ),
    "projected_lifetime_value_per_account": st.column_config.NumberColumn(
        "Projected lifetime value per account", format="dollar"
    ),
    "monthly_churn_rate": st.column_config.NumberColumn("Monthly churn", format="percent"),
}


def path_label(path: object) -> str:
    """'onboarding>adopting' -> 'Onboarding → Adopting'."""
    if ui.is_missing(path):
        return ui.MISSING
    return " → ".join(ui.stage_label(stage) for stage in str(path).split(">"))


def render_filters() -> Filters | None:
    return ui.sidebar_filters(
        "journeys",
        *queries.journey_days(),
        dates_help="Moves between stages on these days; stays that started on these days; "
        "funnel cohorts (month of the first stage) that overlap them.",
        accounts=True,
    )


def render_funnel(filters: Filters) -> None:
    ui.section(
        "Stage funnel",
        "Of the accounts whose journey began in the selected months (cohorts), how many ever "
        "reached each stage. The funnel is kept per cohort in the warehouse: the region and "
        "segment filters do not apply to it.",
    )
    funnel = queries.journey_funnel(filters)
    if funnel.empty:
        st.info("No cohort starts in the selected dates.")
        return
    data = ui.with_labels(funnel)
    order = [ui.stage_label(stage) for stage in funnel["journey_stage"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("journey_stage:N", title="Stage", sort=order),
            x=alt.X("share_reached:Q", title="Share of the cohort that reached it",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("journey_stage:N", title="Stage", sort=order),
            tooltip=[
                alt.Tooltip("journey_stage:N", title="Stage"),
                alt.Tooltip("accounts_reached:Q", title="Accounts reached", format=","),
                alt.Tooltip("share_reached:Q", title="Share", format=".0%"),
            ],
        )
        .properties(height=220)
    )  # fmt: skip
    st.altair_chart(chart, width="stretch")
    ui.table(funnel, FUNNEL_COLUMNS)


def render_flows(filters: Filters) -> None:
    ui.section(
        "Flows between stages",
        "How many times accounts moved from one stage (row) to another (column) on the "
        "selected days. Darker is more moves.",
    )
    flows = queries.stage_transitions(filters)
    if flows.empty:
        st.info("No account changed stage in the selected dates, regions and segments.")
        return
    order = [ui.stage_label(stage) for stage in STAGES]
    data = ui.with_labels(flows)
    base = alt.Chart(data).encode(
        x=alt.X("to_stage:N", title="To stage", sort=order),
        y=alt.Y("from_stage:N", title="From stage", sort=order),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("transitions:Q", title="Moves", scale=alt.Scale(scheme="oranges")),
        tooltip=[
            alt.Tooltip("from_stage:N", title="From"),
            alt.Tooltip("to_stage:N", title="To"),
            alt.Tooltip("transitions:Q", title="Moves", format=","),
            alt.Tooltip("accounts:Q", title="Accounts", format=","),
        ],
    )
    labels = base.mark_text(baseline="middle").encode(text=alt.Text("transitions:Q", format=","))
    st.altair_chart((cells + labels).properties(height=300), width="stretch")


def render_time_in_stage(filters: Filters) -> None:
    ui.section(
        "Time in stage",
        "How long stays in each stage last (stays that started on the selected days): finished "
        "stays, and the ones still running today.",
    )
    times = queries.time_in_stage(filters)
    if times.empty:
        st.info("No stay started in the selected dates, regions and segments.")
        return
    order = {stage: index for index, stage in enumerate(STAGES)}
    times = times.sort_values("journey_stage", key=lambda s: s.map(order).fillna(len(order)))
    ui.table(times, TIME_COLUMNS)


def render_clv() -> None:
    ui.section(
        f"Customer lifetime value by journey (top {CLV_PATHS} paths)",
        "Accounts grouped by the stages they went through, in order: revenue so far and the "
        "projected lifetime value per account (from the path's churn rate). All accounts, "
        "all time.",
    )
    clv = queries.clv_by_journey(CLV_PATHS)
    if clv.empty:
        st.info("No account has a journey yet.")
        return
    data = clv.assign(path=clv["stage_path"].map(path_label))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("path:N", title="Journey", sort="-x", axis=alt.Axis(labelLimit=400)),
            x=alt.X("projected_lifetime_value_per_account:Q",
                    title="Projected lifetime value per account ($)"),
            color=alt.Color("accounts:Q", title="Accounts", scale=alt.Scale(scheme="greens")),
            tooltip=[
                alt.Tooltip("path:N", title="Journey"),
                alt.Tooltip("accounts:Q", title="Accounts"),
                alt.Tooltip("projected_lifetime_value_per_account:Q", title="Projected LTV",
                            format="$,.0f"),
            ],
        )
        .properties(height=28 * len(data) + 40)
    )  # fmt: skip
    st.altair_chart(chart, width="stretch")
    ui.table(data, CLV_COLUMNS)


with ui.page(
    "Journeys",
    "How accounts move through their journey (onboarding, adopting, expanding, renewing, at "
    "risk, churned): the funnel, the flows between stages, how long each stage lasts, and what "
    "each journey is worth.",
    tables=queries.JOURNEY_TABLES,
):
    filters = render_filters()
    if filters is None:
        st.info("The warehouse holds no journey stages yet.")
    else:
        render_funnel(filters)
        render_flows(filters)
        render_time_in_stage(filters)
    render_clv()
