"""Customer 360: find an account or a contact, and see its golden record, journey, people,
segments, open tickets and every message it received (with the policy violations marked)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st
from lib import queries, ui
from lib.queries import Filters

SEARCH_LIMIT = 50

STAGE_COLUMNS = {
    "spell_number": st.column_config.NumberColumn("#", width="small"),
    "journey_stage": "Stage",
    "entered_at": ui.utc_column("Entered (UTC)"),
    "exited_at": ui.utc_column("Left (UTC)"),
    "days_in_stage": ui.count_column("Days in stage"),
    "entry_rule": "Why (stage rule)",
}
SEGMENT_COLUMNS = {
    "segment_name": "Segment",
    "owning_team": "Owning team",
    "entered_date": st.column_config.DateColumn("Since", format="YYYY-MM-DD"),
    "days_in_segment": ui.count_column("Days in segment"),
}
PEOPLE_COLUMNS = {
    "full_name": ui.text_column("Name", "small"),
    "email": ui.text_column("Email"),
    "title": ui.text_column("Title", "small"),
    "persona": "Persona",
    "engagement_score": ui.count_column(
        "Engagement", "Engagement points in the last 90 days (last 30 days count twice)."
    ),
    "messages_30d_total": ui.count_column("Messages (30 days)"),
    "last_touch_at": ui.utc_column("Last touch (UTC)"),
    "last_touch_team": "Last touch by",
    "is_opted_out": st.column_config.CheckboxColumn("Opted out"),
}
TIMELINE_COLUMNS = {
    "sent_at": ui.utc_column("Sent (UTC)"),
    "team": "Team",
    "category": "Category",
    "channel": "Channel",
    "full_name": "To",
    "subject": ui.text_column("Subject"),
    "is_violation": st.column_config.CheckboxColumn("Broke a rule", width="small"),
    "rules_broken": ui.text_column("Rules broken"),
    "source_system": "Seen by",
}
TICKET_COLUMNS = {
    "ticket_id": "Ticket",
    "priority": "Priority",
    "status": "Status",
    "requester": ui.text_column("Requester", "small"),
    "teammate_name": ui.text_column("Assignee", "small"),
    "created_at": ui.utc_column("Opened (UTC)"),
    "first_reply_hours": st.column_config.NumberColumn("First reply (h)", format="%.1f"),
    "first_reply_target_hours": st.column_config.NumberColumn("Target (h)", format="%.0f"),
    "is_first_reply_breached": st.column_config.CheckboxColumn("Reply late"),
    "resolution_due_at": ui.utc_column("Resolution due (UTC)"),
    "is_resolution_breached": st.column_config.CheckboxColumn("Resolution late"),
}


def match_label(row: pd.Series) -> str:
    account = row["account_name"] if not ui.is_missing(row["account_name"]) else "no account"
    if ui.is_missing(row["contact_id"]):
        domain = row["primary_domain"]
        return f"Account: {account}" + ("" if ui.is_missing(domain) else f" ({domain})")
    name = row["full_name"] if not ui.is_missing(row["full_name"]) else ui.MISSING
    email = row["email"] if not ui.is_missing(row["email"]) else ui.MISSING
    return f"Contact: {name} <{email}> · {account}"


def pick_customer() -> pd.Series | None:
    text = ui.text_filter(
        "Search an account or a contact",
        key="c360_search",
        url="q",
        placeholder="Name, domain or email, e.g. acme or alice@",
        help_text="Matches account names and domains, contact names and emails (any part, "
        "case-insensitive).",
    )
    if not text:
        st.info("Type part of an account name, a domain, a contact's name or an email above.")
        return None
    matches = queries.search_customers(text, SEARCH_LIMIT)
    if matches.empty:
        st.warning(f"No account or contact matches “{text}”.")
        return None
    if len(matches) == SEARCH_LIMIT:
        st.caption(f"Showing the first {SEARCH_LIMIT} matches: type more to narrow them down.")
    by_key = {row["match_key"]: row for _, row in matches.iterrows()}
    wanted = st.query_params.get("customer")
    if wanted in by_key and st.session_state.get("c360_match") not in by_key:
        st.session_state["c360_match"] = wanted
    key = st.selectbox(
        f"{len(matches)} match(es)",
        list(by_key),
        format_func=lambda match_key: match_label(by_key[match_key]),
        key="c360_match",
        help="Accounts first, then contacts (shown with their account).",
    )
    st.query_params["customer"] = key
    return by_key[key]


def _text(value: object, fmt: str = "{}") -> str:
    return ui.MISSING if ui.is_missing(value) else fmt.format(value)


def _when(value: object) -> str:
    return ui.MISSING if ui.is_missing(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M} UTC"


def golden_record(account: dict[str, object]) -> pd.DataFrame:
    """One row per attribute: its value and the system (or rule) it came from."""
    csat = account.get("csat_average")
    csat_text = (
        ui.MISSING
        if ui.is_missing(csat)
        else f"{csat:.1f} / 5 ({int(account.get('csat_count') or 0)} ratings)"
    )
    renewal = _text(account.get("next_renewal_date"), "{:%Y-%m-%d}")
    if account.get("has_scheduled_cancellation") is True:
        renewal += " (set to cancel)"
    owner = account.get("owner_name")
    owner_text = (
        ui.MISSING
        if ui.is_missing(owner)
        else f"{owner} ({ui.team_label(account.get('owner_team'))})"
    )
    rows = [
        ("Account name", _text(account.get("account_name")),
         ui.source_label(account.get("account_name_source"))),
        ("Domain", _text(account.get("primary_domain")),
         ui.source_label(account.get("primary_domain_source"))),
        ("Industry", _text(account.get("industry")),
         ui.source_label(account.get("industry_source"))),
        ("Country", _text(account.get("country")),
         ui.source_label(account.get("country_source"))),
        ("Owner", owner_text, ui.source_label(account.get("owner_source"))),
        ("Plan", _text(account.get("plan")).capitalize(), "Stripe (live subscriptions)"),
        ("ARR", _text(account.get("arr"), "${:,.0f}"), "Stripe (12 × MRR)"),
        ("Next renewal", renewal, "Stripe (subscription periods)"),
        ("Past-due invoices",
         f"{int(account.get('past_due_invoice_count') or 0)} "
         f"(${float(account.get('past_due_balance') or 0):,.0f} due)", "Stripe (invoices)"),
        ("Journey stage",
         f"{ui.stage_label(account.get('journey_stage'))} since "
         f"{_text(account.get('stage_entered_at'), '{:%Y-%m-%d}')}",
         f"Stage rule: {ui.rule_id_label(account.get('stage_rule'))}"),
        ("CSAT", csat_text, "Zendesk (rated tickets)"),
        ("Open tickets", _text(account.get("open_ticket_count")), "Zendesk"),
        ("Engagement",
         f"{_text(account.get('engagement_score'), '{:,.0f}')} points, "
         f"{_text(account.get('engagement_trend'))}",
         "HubSpot and CRM activity of its contacts (90 days)"),
    ]  # fmt: skip
    for team in ui.TEAM_LABELS:
        rows.append(
            (
                f"Last touch: {ui.team_label(team)}",
                _when(account.get(f"last_touch_{team}_at")),
                "Messages (fct_communications)",
            )
        )
    return pd.DataFrame(rows, columns=["attribute", "value", "source"])


def render_filters() -> Filters:
    """The timeline's filters (sidebar, kept in the URL as ``dates`` and ``team``)."""
    first, last = queries.message_days()
    filters = ui.sidebar_filters(
        "c360",
        first,
        last,
        dates_label="Message dates",
        dates_help="Day (UTC) the message was sent: the timeline shows only these days.",
        teams=queries.sending_teams(),
        teams_help="Team that sent the message: the timeline shows only theirs. Leave empty "
        "for all teams.",
    )
    return filters or Filters(dt.date.min, dt.date.max)  # no messages: nothing to filter


def render_account(account_id: str, contact_id: str | None, filters: Filters) -> None:
    account = queries.account_360(account_id)
    st.header(_text(account.get("account_name")))
    ui.section(
        "Golden record",
        "The one record the warehouse keeps for this account after matching it across "
        "Salesforce, HubSpot, Stripe and Zendesk, and where each value came from.",
    )
    ui.table(
        golden_record(account),
        {"attribute": "Attribute", "value": "Value", "source": "Came from"},
    )

    with st.container():
        ui.section("Journey stages", "Every stage the account has been in, oldest first.")
        history = queries.stage_history(account_id)
        if history.empty:
            st.info("No stage history for this account.")
        else:
            ui.table(history, STAGE_COLUMNS)
    with st.container():
        ui.section("Segments", "The segments the account is in today, and since when.")
        segments = queries.account_segments(account_id)
        if segments.empty:
            st.info("The account is in no segment today.")
        else:
            ui.table(segments, SEGMENT_COLUMNS)

    ui.section("People", "The account's contacts, most engaged first, with their persona.")
    people = queries.account_people(account_id)
    if people.empty:
        st.info("No contacts are linked to this account.")
    else:
        ui.table(people, PEOPLE_COLUMNS)

    ui.section(
        "Open tickets",
        "Zendesk tickets not yet solved, against their first-reply and resolution targets. "
        "(Invoices: see past-due invoices in the golden record; no mart lists single invoices.)",
    )
    tickets = queries.open_tickets(account_id)
    if tickets.empty:
        st.success("No open tickets.")
    else:
        ui.table(tickets, TICKET_COLUMNS)

    render_timeline(account_id, contact_id, filters)


def render_timeline(account_id: str | None, contact_id: str | None, filters: Filters) -> None:
    ui.section(
        "Every message received",
        "Each dot is a message sent to the account's contacts, coloured by sending team; "
        "crosses broke a communication rule (the rules are listed in the table). The sidebar's "
        "message dates and teams apply.",
    )
    timeline = queries.customer_timeline(filters, account_id, contact_id)
    if account_id and contact_id:
        only = st.toggle(
            "Only messages to the searched contact", key="c360_only_contact", value=False
        )
        if only:
            timeline = timeline[timeline["contact_id"] == contact_id]
    if timeline.empty:
        st.info("No messages were sent to this customer in the selected dates and teams.")
        return
    violations = int(timeline["is_violation"].sum())
    st.markdown(f"**{len(timeline)}** messages, **{violations}** of them broke a rule.")
    st.altair_chart(timeline_chart(timeline), width="stretch")
    ui.table(timeline, TIMELINE_COLUMNS)


def timeline_chart(timeline: pd.DataFrame) -> alt.Chart:
    data = ui.fill_missing(ui.with_labels(timeline)).assign(
        policy=timeline["is_violation"].map({True: "Broke a rule", False: "Within policy"})
    )
    teams = [ui.team_label(team) for team in ui.TEAM_LABELS]
    return (
        alt.Chart(data)
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=alt.X("sent_at:T", title="Sent (UTC)"),
            y=alt.Y("team:N", title="Team", sort=teams),
            color=alt.Color("team:N", title="Team", scale=alt.Scale(domain=teams)),
            shape=alt.Shape(
                "policy:N",
                title="Policy",
                scale=alt.Scale(
                    domain=["Within policy", "Broke a rule"], range=["circle", "cross"]
                ),
            ),
            tooltip=[
                alt.Tooltip("sent_at:T", title="Sent (UTC)", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("full_name:N", title="To"),
                alt.Tooltip("subject:N", title="Subject"),
                alt.Tooltip("rules_broken:N", title="Rules broken"),
            ],
        )
        .properties(height=260)
    )


with ui.page(
    "Customer 360",
    "Everything the warehouse knows about one customer: its golden record and where each "
    "value came from, its journey, people, segments, open tickets, and every message any team "
    "sent it.",
    tables=queries.CUSTOMER_360_TABLES,
):
    timeline_filters = render_filters()
    match = pick_customer()
    if match is not None:
        account_id = None if ui.is_missing(match["account_id"]) else match["account_id"]
        contact_id = None if ui.is_missing(match["contact_id"]) else match["contact_id"]
        if account_id:
            render_account(account_id, contact_id, timeline_filters)
        else:
            st.warning("This contact is not linked to any account: only its messages are shown.")
            render_timeline(None, contact_id, timeline_filters)
