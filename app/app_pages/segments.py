"""Segments: the declared segments, their size and trend, their members, and the export of a
segment's contacts that marketing may email (the same code as `clearinghouse export`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from lib import activation, ui

from clearinghouse.export import DEFAULT_SEND_HOUR, SALT_ENV, ExportError

SEGMENT_COLUMNS = {
    "segment_name": "Segment",
    "owning_team": "Owning team",
    "accounts": ui.count_column("Accounts", "Accounts currently in the segment."),
    "contacts": ui.count_column("Contacts", "Contacts of those accounts."),
    "opted_out_contacts": ui.count_column("Opted out", "Contacts opted out of marketing."),
    "description": st.column_config.TextColumn("Who is in it", width="large"),
}
ACCOUNT_COLUMNS = {
    "account_name": "Account",
    "contacts": ui.count_column("Contacts"),
    "entered_date": "In segment since",
    "days_in_segment": ui.count_column("Days in segment"),
    "plan": "Plan",
    "journey_stage": "Journey stage",
    "region": "Region",
    "owner_name": "Owner",
    "owner_team": "Owner team",
}
CONTACT_COLUMNS = {
    "email": "Email",
    "full_name": "Name",
    "title": "Title",
    "persona": "Persona",
    "account_name": "Account",
    "time_zone": "Time zone",
    "is_opted_out": st.column_config.CheckboxColumn("Opted out"),
}
REASON_COLUMNS = {
    "description": st.column_config.TextColumn("Rule", width="large"),
    "rule_id": "Rule id",
    "main": ui.count_column("Suppressed by it", "Contacts for which it is the most severe rule."),
    "breaking": ui.count_column("Breaking it", "Contacts breaking it (a contact can break "
                                "several rules)."),
}
SUPPRESSED_COLUMNS = {
    "email": "Email",
    "account_name": "Account",
    "rule": st.column_config.TextColumn("Main reason", width="large"),
    "planned_at": "Planned (UTC)",
    "earliest_allowed_at": "Earliest allowed (UTC)",
    "earliest_allowed_reason": st.column_config.TextColumn("Why then", width="medium"),
}
ALLOWED_COLUMNS = {
    "email": "Email",
    "full_name": "Name",
    "account_name": "Account",
    "persona": "Persona",
    "time_zone": "Time zone",
    "planned_at": "Planned (UTC)",
}
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
        "Segments declared in segment_definitions, with the accounts in each today "
        "(fct_segment_membership) and their contacts (dim_contacts).",
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
        st.line_chart(trend.rename(columns={"week_start": "Week", "accounts": "Accounts"}),
                      x="Week", y="Accounts")
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
    try:
        outcome = activation.run_export(segment_id, send_day, int(send_hour), mask_pii,
                                        campaign_id.strip())
    except ExportError as error:
        st.error(f"The export cannot run: {error}", icon="⚠️")
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
