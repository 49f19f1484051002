"""Segments: the declared segments, their size and trend, their members, and the export of a
segment's contacts that marketing may email (the same code as `clearinghouse export`)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st
from lib import activation, ui

from clearinghouse.export import DEFAULT_SEND_HOUR, SALT_ENV, ExportError

col, count = activation.column, activation.count
SEGMENT_COLUMNS = {
    "segment_name": col("Segment", 180),
    "owning_team": col("Owning team", 150),
    "accounts": count("Accounts", 80, "Accounts currently in the segment."),
    "contacts": count("Contacts", 80, "Contacts of those accounts."),
    "opted_out_contacts": count("Opted out", 80, "Contacts opted out of marketing."),
    "description": col("Who is in it", 230),
}
ACCOUNT_COLUMNS = {
    "account_name": col("Account", 190),
    "contacts": count("Contacts", 70),
    "entered_date": st.column_config.DateColumn("In segment since", width=110,
                                                format="YYYY-MM-DD"),
    "plan": col("Plan", 80),
    "journey_stage": col("Journey stage", 100),
    "owner_name": col("Owner", 130),
    "owner_team": col("Owner team", 120),
}
CONTACT_COLUMNS = {
    "email": col("Email", 250),
    "full_name": col("Name", 140),
    "title": col("Title", 130),
    "persona": col("Persona", 100),
    "account_name": col("Account", 120),
    "is_opted_out": activation.flag("Opted out", 60),
}
REASON_COLUMNS = {
    "description": col("Rule", 420),
    "rule_id": col("Rule id", 180),
    "main": count("Suppressed by it", 100, "Contacts for which it is the most severe rule."),
    "breaking": count("Breaking it", 100, "Contacts breaking it (a contact can break "
                      "several rules)."),
}
SUPPRESSED_COLUMNS = {
    "email": col("Email", 250),
    "rule": col("Main reason", 200),
    "earliest_allowed_at": col("Earliest allowed (UTC)", 130),
    "earliest_allowed_reason": col("Why then", 220),
}
ALLOWED_COLUMNS = {
    "email": col("Email", 250),
    "full_name": col("Name", 140),
    "account_name": col("Account", 170),
    "time_zone": col("Time zone", 120),
    "planned_at": col("Planned (UTC)", 120),
}
EXPORT_STATE = "segments_export"  # (ExportRequest, ExportOutcome) of the last prepared export
DOWNLOADS = (
    ("contacts.csv", "Allowed contacts (CSV)", "Every contact marketing may email."),
    ("hubspot_import.csv", "HubSpot import (CSV)", "HubSpot contact import of the allowed."),
    ("salesforce_campaign_members.csv", "Salesforce campaign members (CSV)",
     "ContactId, CampaignId, Status = Planned for the allowed contacts."),
    ("suppressed.csv", "Suppressed (CSV)",
     "Every suppressed contact, the rules it breaks, the evidence and the earliest time."),
    ("brief.md", "Campaign brief (Markdown)", "Audience, suppressions, collisions, owners."),
    ("brief.html", "Campaign brief (HTML)", "The same brief as a web page."),
)


def render_segments(table: pd.DataFrame) -> str | None:
    ui.section(
        "Declared segments",
        "Segments declared in seeds/segment_definitions.csv (dim_segments), with the accounts "
        "in each today (fct_segment_membership) and their contacts (dim_contacts).",
    )
    ui.table(activation.shown(table), SEGMENT_COLUMNS)
    names = dict(zip(table["segment_id"], table["segment_name"], strict=True))
    return st.selectbox(
        "Segment", list(names), format_func=lambda s: names.get(s, s), key="segments_segment",
        help="The segment to look into and export.",
    )


def render_segment(row: pd.Series) -> None:
    st.subheader(str(row["segment_name"]))
    st.caption(f"{row['description']} Owned by {ui.team_label(row['owning_team'])}.")
    ui.metric_row([
        ui.Metric("Accounts", row["accounts"], "Accounts in the segment today."),
        ui.Metric("Contacts", row["contacts"], "Contacts of those accounts."),
        ui.Metric("Opted-out contacts", row["opted_out_contacts"],
                  "Contacts opted out of marketing email in any system: never exported."),
    ])
    trend = activation.segment_trend(row["segment_id"])
    ui.section("Members over time", "Accounts in the segment at the start of each week "
               "(fct_segment_membership_history).")
    if trend.empty:
        st.info("No membership history for this segment.")
    else:
        st.altair_chart(
            alt.Chart(trend).mark_line().encode(
                x=alt.X("week_start:T", title="Week (starting Monday)"),
                y=alt.Y("accounts:Q", title="Accounts"),
                tooltip=[alt.Tooltip("week_start:T", title="Week", format="%Y-%m-%d"),
                         alt.Tooltip("accounts:Q", title="Accounts", format=",")],
            ).properties(height=220),
            width="stretch",
        )
    accounts, contacts = st.tabs(["Member accounts", "Their contacts"])
    with accounts:
        ui.table(activation.shown(activation.segment_accounts(row["segment_id"])),
                 ACCOUNT_COLUMNS)
    with contacts:
        ui.table(activation.shown(activation.segment_contacts(row["segment_id"])),
                 CONTACT_COLUMNS)


def render_export(segment_id: str, default_day: dt.date) -> None:
    ui.section(
        "Export for a marketing send",
        "One promotional email from marketing to each contact of the segment, checked against "
        "the communication policy and the history, exactly as `clearinghouse export segment`.",
    )
    day_column, hour_column, campaign_column, mask_column = st.columns([2, 1, 2, 2])
    send_day = day_column.date_input("Send date", value=default_day, key="segments_send_date",
                                     format="YYYY-MM-DD",
                                     help="Day of the send, in each contact's local time.")
    send_hour = hour_column.number_input("Local hour", 0, 23, DEFAULT_SEND_HOUR, step=1,
                                         key="segments_send_hour",
                                         help="Hour of the send in each contact's time zone.")
    campaign_id = campaign_column.text_input("Salesforce campaign id", key="segments_campaign",
                                             help="CampaignId of the campaign-member file.")
    mask_pii = mask_column.checkbox("Mask PII", key="segments_mask_pii",
                                    help=f"Hash emails (salted SHA-256, salt ${SALT_ENV}) and "
                                    "drop names in the files.")
    request = activation.export_request(segment_id, send_day, int(send_hour), mask_pii,
                                        campaign_id.strip())
    outcome = prepared_export(request)
    if outcome is None:
        return
    descriptions = activation.rule_descriptions()
    ui.metric_row([
        ui.Metric("Contacts", outcome.contacts, "Contacts of the segment."),
        ui.Metric("Allowed", len(outcome.allowed), "May be emailed at the send time."),
        ui.Metric("Suppressed", len(outcome.suppressed),
                  "Held back: no email, deleted, opted out or breaking a rule."),
        ui.Metric("Could go later", activation.later_count(outcome.suppressed),
                  "Suppressed contacts with an earliest allowed time within 60 days."),
    ])
    render_downloads(outcome.files, segment_id)
    st.markdown("**Suppressed by reason**")
    reasons = activation.reasons_table(outcome.suppressed, descriptions)
    if reasons.empty:
        st.success("Nobody in the segment is suppressed.")
    else:
        ui.table(reasons, REASON_COLUMNS)
        suppressed = outcome.suppressed.assign(
            rule=[activation.rule_label(r, descriptions) for r in outcome.suppressed["rule_id"]]
        )
        st.markdown("**Suppressed contacts and the earliest time each could be sent**")
        ui.table(activation.shown(suppressed, ("planned_at", "earliest_allowed_at")),
                 SUPPRESSED_COLUMNS)
    st.markdown("**Allowed contacts**")
    ui.table(activation.shown(outcome.allowed, ("planned_at",)), ALLOWED_COLUMNS)
    with st.expander("Campaign brief"):
        st.markdown(outcome.files["brief.md"].decode("utf-8"))


def prepared_export(request: activation.ExportRequest) -> activation.ExportOutcome | None:
    """The export for ``request``: run when the button is pressed (it replays the whole
    history: seconds, not a page load), then kept in the session so that the downloads stay
    across reruns; None (with a prompt) while there is none for these settings."""
    if st.button("Prepare export", key="segments_prepare", type="primary",
                 help="Check every contact of the segment against the policy and the history "
                 "for this send, and prepare the files to download."):
        st.session_state.pop(EXPORT_STATE, None)
        try:
            with st.spinner("Checking every contact against the policy and the history..."):
                st.session_state[EXPORT_STATE] = (request, activation.run_export(request))
        except ExportError as error:
            st.error(f"The export cannot run: {error}", icon="⚠️")
            return None
    prepared = st.session_state.get(EXPORT_STATE)
    if prepared is None:
        st.info("Pick the send date and hour, then press **Prepare export** to see who may be "
                "emailed and download the files.")
        return None
    done, outcome = prepared
    if done != request:
        st.info("The segment, the send settings or the warehouse changed since the export was "
                "prepared: press **Prepare export** again.")
        return None
    return outcome


def render_downloads(files: dict[str, bytes], segment_id: str) -> None:
    columns = st.columns(3)
    for index, (name, label, help_text) in enumerate(DOWNLOADS):
        if name in files:
            with columns[index % 3]:
                activation.download(label, f"{segment_id}_{name}", files[name],
                                    key=f"segments_download_{name}", help_text=help_text)


with ui.page(
    "Segments",
    "Who is in each declared segment, how it grew, and which of its contacts marketing may "
    "email on a given day (and why the others may not).",
):
    table = activation.segments()
    if table.empty:
        st.info("No segment is declared in this warehouse.")
    else:
        segment_id = render_segments(table)
        if segment_id is not None:
            row = table.set_index("segment_id").loc[segment_id]
            render_segment(pd.concat([pd.Series({"segment_id": segment_id}), row]))
            end = activation.data_end()
            render_export(segment_id, (end or dt.date.today()) + dt.timedelta(days=1))
