"""HubSpot export of a chunk: contact, email_event, email_event_sent,
email_event_status_change (``email_campaign`` is written once, after all chunks)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearinghouse.synth.common import (
    DAY,
    HOUR,
    NULL_TS,
    TS_MIX,
    fmt_bool,
    fmt_synced,
    fmt_ts,
    int_ids,
    messify,
    null_where,
    num_str,
    pick,
    where,
)
from clearinghouse.synth.parameters import APP_AUTOMATED, APP_BATCH, NURTURE, PORTAL_ID
from clearinghouse.synth.people import TITLES_FLAT
from clearinghouse.synth.state import ChunkState
from clearinghouse.synth.variants import (
    company_variant,
    email_variant,
    later_versions,
    synced_micros,
)

MIX = TS_MIX["hubspot"]
EVENT_TYPES = ["SENT", "DELIVERED", "BOUNCE", "OPEN", "CLICK", "STATUSCHANGE"]
SENDERS = ["Lumenary <news@lumenary.io>", "Lumenary Product <product@lumenary.io>",
           "Maya from Lumenary <maya@lumenary.io>", "Lumenary <promo@lumenary.io>"]  # by kind
LIFECYCLE_STAGES = ["subscriber", "lead", "customer", "other"]


def write_hubspot(state: ChunkState, rng: np.random.Generator) -> None:
    """Contacts, then the email events of the sends the fatigue stage kept."""
    contact_email = write_contacts(state, rng)
    write_email_events(state, rng, contact_email)


def write_contacts(state: ChunkState, rng: np.random.Generator) -> pa.Array:
    """``hubspot/contact``: opt-out from the fatigue stage; 30% of unsubscribers (and 1% of
    others) are first synced before their opt-out, then re-synced. Truth: person_id of every
    contact. Returns the contacts' emails as HubSpot writes them."""
    company, accounts, people = state.company, state.accounts, state.people
    marketing, fatigue = state.marketing, state.fatigue
    end, writer = company.end, company.writer
    contacts = marketing.contacts
    n = len(contacts)
    rows = pa.array(contacts)
    ids = int_ids(1_000_001, company.take("hs_contact", n), n, 51)
    email = email_variant(people.canonical_email.take(rows), rng, "hubspot")
    created = marketing.contact_created_at
    unsubscribed_at = fatigue.unsubscribed_at[contacts]
    opted_out = unsubscribed_at != NULL_TS
    modified = np.minimum(np.maximum(created + rng.integers(0, 200 * DAY, n),
                                     np.where(opted_out, unsubscribed_at, 0)), end - HOUR)
    synced = synced_micros(rng, modified, end)
    account = people.account[contacts]
    account_rows = pa.array(account)
    stage = np.where(accounts.churned[account], 3, np.where(accounts.start[account] < end, 2, 1))
    stage = np.where(rng.random(n) < 0.1, 0, stage)
    marketers = company.staff_by_role["Marketing Manager"]
    table = writer.build("hubspot/contact", {
        "id": num_str(ids), "property_email": email,
        "property_firstname": people.first_name.take(rows),
        "property_lastname": people.last_name.take(rows),
        "property_jobtitle": null_where(pick(TITLES_FLAT, people.title_index[contacts]),
                                        rng.random(n) < 0.2),
        "property_company": null_where(company_variant(accounts.name.take(account_rows), rng,
                                                       "hs"), rng.random(n) < 0.15),
        "property_website": null_where(accounts.domain.take(account_rows), rng.random(n) < 0.3),
        "property_country": accounts.country_name.take(account_rows),
        "property_lifecyclestage": pick(LIFECYCLE_STAGES, stage),
        "property_hs_lead_status": null_where(pick(["NEW", "OPEN", "CONNECTED"],
                                                   rng.integers(0, 3, n)), rng.random(n) < 0.6),
        "property_hs_email_optout": fmt_bool(opted_out, rng),
        "property_hubspot_owner_id": num_str(
            70_000_000 + marketers[rng.integers(0, len(marketers), n)]),
        "property_createdate": fmt_ts(created, rng, MIX),
        "property_lastmodifieddate": fmt_ts(modified, rng, MIX),
        "is_deleted": fmt_bool(rng.random(n) < 0.005, rng),
        "_fivetran_deleted": fmt_bool(rng.random(n) < 0.01, rng),
        "_fivetran_synced": fmt_synced(synced),
    }, n)
    relanded = np.flatnonzero((opted_out & (rng.random(n) < 0.3)) | (rng.random(n) < 0.01))
    final = {column: table.column(column).take(pa.array(relanded)).combine_chunks()
             for column in ("property_hs_email_optout", "property_lastmodifieddate",
                            "property_lifecyclestage")}
    earlier = np.isin(np.arange(n), relanded)
    early_modified = np.minimum(created + HOUR, modified)
    table = _replace(table, "property_hs_email_optout", where(
        earlier, fmt_bool(np.zeros(n, bool), rng),
        table.column("property_hs_email_optout").combine_chunks()))
    table = _replace(table, "property_lastmodifieddate", where(
        earlier, fmt_ts(early_modified, rng, MIX),
        table.column("property_lastmodifieddate").combine_chunks()))
    first_synced = np.where(earlier, (early_modified + 600) * 1_000_000, synced)
    table = _replace(table, "_fivetran_synced", fmt_synced(first_synced))
    late_synced = np.maximum(synced, first_synced + 3_600_000_000)
    late, _ = later_versions(table, relanded, late_synced - 3_600_000_000, rng, final)
    writer.write("hubspot/contact", messify(table, rng, created, late))
    company.truth.record_people("hubspot", "contact", num_str(ids),
                                people.person_id.take(rows))
    return email


def _replace(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, values)


def email_events(state: ChunkState, rng: np.random.Generator) -> dict:
    """Events of each kept send: SENT, DELIVERED or BOUNCE (1.5%), OPEN (25%, always for the
    send that caused an unsubscribe), CLICK (16% of opens), and STATUSCHANGE (unsubscribe)."""
    company, fatigue = state.company, state.fatigue
    send_at, caused = fatigue.send_at, fatigue.caused_unsubscribe
    unsubscribed_at = fatigue.unsubscribed_at[fatigue.send_person]
    n = len(send_at)
    bounced = (rng.random(n) < 0.015) & ~caused
    opened = ~bounced & ((rng.random(n) < 0.25) | caused)
    clicked = opened & (rng.random(n) < 0.16)
    delivered_at = send_at + rng.integers(1, 120, n)
    opened_at = send_at + np.where(caused, (unsubscribed_at - send_at) // 2,
                                   rng.exponential(6 * HOUR, n).astype(np.int64) + 60)
    clicked_at = opened_at + rng.integers(5, 600, n)
    sent_ids = int_ids(10_000_000_000_000, company.take("event", n), n, 3)
    unsubscribing = np.flatnonzero(caused)
    sources = [np.arange(n), np.flatnonzero(~bounced), np.flatnonzero(bounced),
               np.flatnonzero(opened), np.flatnonzero(clicked)]
    n_other = sum(len(s) for s in sources[1:])
    other_ids = int_ids(20_000_000_000_000, company.take("event2", n_other), n_other, 3)
    status_ids = int_ids(30_000_000_000_000, company.take("event3", len(unsubscribing)),
                         len(unsubscribing), 3)
    return {
        "type": np.concatenate([np.full(len(s), i) for i, s in enumerate(sources)]
                               + [np.full(len(unsubscribing), 5)]),
        "send": np.concatenate([*sources, unsubscribing]),
        "at": np.concatenate([send_at, delivered_at[~bounced], send_at[bounced] + 30,
                              opened_at[opened], clicked_at[clicked],
                              unsubscribed_at[unsubscribing]]),
        "id": np.concatenate([sent_ids, other_ids, status_ids]),
        "sent_ids": sent_ids, "unsubscribing": unsubscribing, "status_ids": status_ids,
    }


def write_email_events(state: ChunkState, rng: np.random.Generator, contact_email: pa.Array
                       ) -> None:
    """``hubspot/email_event`` (recipient = the contact's email as HubSpot has it),
    ``email_event_sent`` (sender and subject) and ``email_event_status_change``."""
    company, fatigue = state.company, state.fatigue
    campaigns, end, writer = company.campaigns, company.end, company.writer
    events = email_events(state, rng)
    send, event_type, at = events["send"], events["type"], events["at"]
    n = len(send)
    is_sent, is_status = event_type == 0, event_type == 5
    campaign = fatigue.send_campaign[send]
    sent_id = num_str(events["sent_ids"][send])
    sent_created = fmt_ts(fatigue.send_at[send], rng, MIX)
    table = writer.build("hubspot/email_event", {
        "id": num_str(events["id"]), "created": fmt_ts(at, rng, MIX),
        "email_campaign_id": num_str(campaigns.id[campaign]),
        "recipient": contact_email.take(pa.array(fatigue.send_contact[send])),
        "type": pick(EVENT_TYPES, event_type),
        "sent_by_id": null_where(sent_id, is_sent | is_status),
        "sent_by_created": null_where(sent_created, is_sent | is_status),
        "caused_by_id": null_where(sent_id, ~is_status),
        "caused_by_created": null_where(sent_created, ~is_status),
        "portal_id": pa.array([str(PORTAL_ID)] * n),
        "app_id": num_str(np.where(campaigns.kind[campaign] == NURTURE, APP_AUTOMATED,
                                   APP_BATCH)),
        "filtered_event": fmt_bool(rng.random(n) < 0.002, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, at, end)),
    }, n)
    writer.write("hubspot/email_event", messify(table, rng, at))
    n_sent = len(fatigue.send_at)
    table = writer.build("hubspot/email_event_sent", {
        "id": num_str(events["sent_ids"]),
        "from": pick(SENDERS, campaigns.kind[fatigue.send_campaign]),
        "subject": pa.array(campaigns.subject[fatigue.send_campaign].tolist(), pa.string()),
        "reply_to": pa.array(["hello@lumenary.io"] * n_sent),
        "_fivetran_synced": fmt_synced(synced_micros(rng, fatigue.send_at, end)),
    }, n_sent)
    writer.write("hubspot/email_event_sent", messify(table, rng, fatigue.send_at))
    unsubscribing = events["unsubscribing"]
    n_status = len(unsubscribing)
    changed_at = fatigue.unsubscribed_at[fatigue.send_person[unsubscribing]]
    via_link = rng.random(n_status) < 0.7
    table = writer.build("hubspot/email_event_status_change", {
        "id": num_str(events["status_ids"]),
        "source": pick(["SOURCE_HUBSPOT_CUSTOMER", "SOURCE_UNSUBSCRIBE_LINK"],
                       via_link.astype(int)),
        "requested_by": null_where(
            contact_email.take(pa.array(fatigue.send_contact[unsubscribing])), via_link),
        "portal_subscription_status": pa.array(["UNSUBSCRIBED"] * n_status),
        "subscriptions": pa.array(['[{"id": 1, "status": "UNSUBSCRIBED"}]'] * n_status),
        "bounced": fmt_bool(np.zeros(n_status, bool), rng),
        "change_type": pa.array(["SUBSCRIPTION_STATUS"] * n_status),
        "_fivetran_synced": fmt_synced(synced_micros(rng, changed_at, end)),
    }, n_status)
    writer.write("hubspot/email_event_status_change", messify(table, rng, changed_at))
