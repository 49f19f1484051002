"""Pre-send check: upload a planned send, see which messages may go out, which are held back
and why, who to tell, and download each list (the same code as `clearinghouse presend`)."""

from __future__ import annotations

import streamlit as st
from lib import activation, ui

from clearinghouse.presend import INPUT_COLUMNS, PresendInputError

col, count = activation.column, activation.count
SUPPRESSED_COLUMNS = {
    "row_id": count("Row", 50),
    "email": col("Email", 240),
    "rule": col("Main reason", 200),
    "earliest_allowed_at": col("Earliest allowed (UTC)", 130),
    "earliest_allowed_reason": col("Why then", 180),
}
ALLOWED_COLUMNS = {
    "row_id": count("Row", 50),
    "email": col("Email", 240),
    "team": col("Team", 110),
    "category": col("Category", 100),
    "channel": col("Channel", 70),
    "planned_at": col("Planned (UTC)", 130),
    "campaign": col("Campaign", 100),
}
ERROR_COLUMNS = {
    "row_id": count("Row", 50),
    "email": col("Email", 220),
    "contact_id": col("Contact id", 150),
    "error": col("Problem", 150),
    "reason": col("Why", 230),
}
OWNER_COLUMNS = {
    "owner_name": col("Owner", 140),
    "owner_team": col("Owner team", 130),
    "account_name": col("Account", 170),
    "allowed_message_count": count("Allowed", 80, "Allowed messages to the account."),
    "other_team_message_count": count("Other teams", 100, "Of those, from other teams "
                                      "than the owner's."),
    "notify_reason": col("Why tell them", 180),
}
REASON_COLUMNS = {
    "description": col("Rule", 420),
    "rule_id": col("Rule id", 180),
    "main": count("Suppressed by it", 100, "Messages for which it is the most severe rule."),
    "breaking": count("Breaking it", 100, "Messages breaking it (a message can break "
                      "several rules)."),
}
DOWNLOADS = (
    ("allowed.csv", "Allowed (CSV)", "The planned messages that may be sent."),
    ("suppressed.csv", "Suppressed (CSV)", "Held-back messages, every rule, evidence and the "
     "earliest allowed time."),
    ("owners_to_notify.csv", "Owners to notify (CSV)", "Account owners to tell first."),
    ("errors.csv", "Errors (CSV)", "Rows that could not be checked, and why."),
    ("brief.md", "Campaign brief (Markdown)", "Audience, suppressions, collisions, owners."),
    ("brief.html", "Campaign brief (HTML)", "The same brief as a web page."),
)


def render_result(outcome: activation.PresendOutcome) -> None:
    ui.metric_row([
        ui.Metric("Planned rows", outcome.input_rows, "Data rows in the uploaded file."),
        ui.Metric("Allowed", len(outcome.allowed), "May be sent as planned."),
        ui.Metric("Suppressed", len(outcome.suppressed), "Would break a rule: held back."),
        ui.Metric("Could go later", activation.later_count(outcome.suppressed),
                  "Suppressed messages with an earliest allowed time within 60 days."),
        ui.Metric("Errors", len(outcome.errors), "Rows that could not be checked."),
        ui.Metric("Owners to notify", len(outcome.owners_to_notify),
                  "Account owners to tell before sending."),
    ])
    columns = st.columns(3)
    for index, (name, label, help_text) in enumerate(DOWNLOADS):
        with columns[index % 3]:
            activation.download(label, name, outcome.files[name], key=f"presend_download_{name}",
                                help_text=help_text)
    descriptions = activation.rule_descriptions()

    ui.section("Suppressed", "Messages held back, with their most severe rule and the earliest "
               "time each would be allowed (given the history and the allowed messages).")
    if outcome.suppressed.empty:
        st.success("No planned message breaks the policy.")
    else:
        ui.table(activation.reasons_table(outcome.suppressed, descriptions), REASON_COLUMNS)
        suppressed = outcome.suppressed.assign(
            rule=[activation.rule_label(r, descriptions) for r in outcome.suppressed["rule_id"]]
        )
        ui.table(activation.shown(suppressed, ("planned_at", "earliest_allowed_at")),
                 SUPPRESSED_COLUMNS)

    ui.section("Allowed", "Messages that may go out as planned.")
    if outcome.allowed.empty:
        st.info("No planned message may be sent as planned.")
    else:
        ui.table(activation.shown(outcome.allowed, ("planned_at",)), ALLOWED_COLUMNS)

    ui.section("Owners to notify", "Account owners whose accounts get messages from other "
               "teams, or whose accounts' messages wait until they are looped in.")
    if outcome.owners_to_notify.empty:
        st.success("No account owner needs to be told.")
    else:
        ui.table(activation.shown(outcome.owners_to_notify), OWNER_COLUMNS)

    ui.section("Errors", "Rows that could not be checked (unknown recipient, bad timestamp, "
               "unknown team, ...): fix them and upload again.")
    if outcome.errors.empty:
        st.success("Every row could be checked.")
    else:
        ui.table(activation.shown(outcome.errors), ERROR_COLUMNS)

    with st.expander("Campaign brief"):
        st.markdown(outcome.files["brief.md"].decode("utf-8"))


with ui.page(
    "Pre-send check",
    "Upload a planned send to see, before anything goes out, which messages break the "
    "communication policy, when they could go instead and which account owners to tell.",
):
    st.markdown(
        f"The file is a CSV with the columns `{', '.join(INPUT_COLUMNS)}` (give `email`, "
        "`contact_id` or both; see `clearinghouse/templates/planned_sends.csv`), checked "
        "exactly as `clearinghouse presend` does."
    )
    upload = st.file_uploader("Planned sends (CSV)", type=["csv", "txt"], key="presend_upload",
                              help="One row per planned message.")
    if upload is None:
        st.info("Upload a planned-send file to check it.")
    else:
        try:
            outcome = activation.run_presend(upload.name, upload.getvalue())
        except PresendInputError as error:
            st.error(f"This file cannot be checked: {error}", icon="⚠️")
        else:
            render_result(outcome)
