"""Salesforce export of a chunk: account, contact, opportunity, task."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.synth import words
from clearinghouse.synth.common import (
    DAY,
    HOUR,
    NULL_TS,
    TS_MIX,
    cat,
    fmt_bool,
    fmt_date,
    fmt_synced,
    fmt_ts,
    messify,
    null_where,
    num_str,
    pick,
    sf_ids,
    where,
)
from clearinghouse.synth.parameters import (
    CALL,
    COMPLETED,
    MEETING,
    OTHER_TASK,
    PLAN_MONTHLY_USD,
    RENEWAL,
    TASK_KINDS,
    UPSELL,
)
from clearinghouse.synth.people import TITLES_FLAT
from clearinghouse.synth.sampling import pick_from_lists
from clearinghouse.synth.state import ChunkState
from clearinghouse.synth.variants import email_variant, later_versions, synced_micros

MIX = TS_MIX["salesforce"]
OPPORTUNITY_STAGES = ["Closed Won", "Closed Lost", "Prospecting", "Negotiation/Review",
                      "Proposal/Price Quote"]
WON, LOST, PROSPECTING = 0, 1, 2
ACCOUNT_NOTES = ['Long-time customer, "power users" in ops',
                 "Prospect from webinar, interested in SSO, audit logs",
                 "Expansion candidate; café chain, 40 sites", ""]
TASK_NOTES = ["Left voicemail, will follow up", 'Sent deck "Q3 review"',
              "Discussed seats, pricing, and timeline", "Résumé envoyé au client"]
LEAD_SOURCES = ["Web", "Webinar", "Partner Referral", "Trade Show", "Outbound"]


def write_salesforce(state: ChunkState, rng: np.random.Generator) -> None:
    """Accounts, contacts (with duplicates and late versions), opportunities and tasks."""
    write_accounts(state, rng)
    write_contacts(state, rng)
    opportunity_ids = write_opportunities(state, rng)
    write_tasks(state, rng, opportunity_ids)


def write_accounts(state: ChunkState, rng: np.random.Generator) -> None:
    """``salesforce/account``; truth: company_id of every account."""
    company, accounts = state.company, state.accounts
    n, end, writer = state.n_accounts, company.end, company.writer
    website = cat(pick(["https://www.", "http://", "www.", "", "https://"],
                       rng.integers(0, 5, n)), accounts.domain,
                  pick(["", "/", ""], rng.integers(0, 3, n)))
    created = accounts.start - rng.integers(DAY, 60 * DAY, n)
    modified = np.minimum(np.maximum(created + rng.integers(0, 500 * DAY, n),
                                     np.where(accounts.churned, accounts.churned_at, 0)),
                          end - HOUR)
    notes = pick(ACCOUNT_NOTES, rng.integers(0, len(ACCOUNT_NOTES), n))
    table = writer.build("salesforce/account", {
        "id": accounts.crm_id, "name": accounts.name, "website": website,
        "industry": pick(words.INDUSTRIES, accounts.industry),
        "type": pick(["Customer", "Customer - Churned"], accounts.churned.astype(int)),
        "number_of_employees": num_str(accounts.employees),
        "annual_revenue": num_str(accounts.employees * rng.integers(80, 300, n) * 1000),
        "billing_street": cat(num_str(rng.integers(1, 999, n)), " ", pick(
            ["Main St", "Market Street", "Rue de la Paix", "Hauptstraße", "Keizersgracht"],
            rng.integers(0, 5, n))),
        "billing_city": accounts.city,
        "billing_postal_code": num_str(rng.integers(10000, 99999, n)),
        "billing_country": accounts.country_name,
        "phone": cat("+1 555 ", num_str(rng.integers(1000000, 9999999, n))),
        "owner_id": company.staff_ids.take(pa.array(accounts.owner)),
        "description": null_where(notes, rng.random(n) < 0.5),
        "created_date": fmt_ts(created, rng, MIX),
        "last_modified_date": fmt_ts(modified, rng, MIX),
        "is_deleted": fmt_bool(rng.random(n) < 0.003, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, modified, end)),
    }, n)
    writer.write("salesforce/account", messify(table, rng, created))
    company.truth.record_companies("salesforce", "account", accounts.crm_id,
                                   accounts.company_id)


def write_contacts(state: ChunkState, rng: np.random.Generator) -> None:
    """``salesforce/contact``: one per person in the CRM plus duplicates (half without
    email, names re-cased, created later); 1% re-exported with a new title. Opt-outs come
    from the fatigue stage. Truth: person_id of every contact."""
    company, accounts, people = state.company, state.accounts, state.people
    end, writer = company.end, company.writer
    fatigue = state.fatigue
    n_primary = len(people.crm_people)
    person = np.concatenate([people.crm_people, people.duplicate_people])
    n = len(person)
    is_duplicate = np.r_[np.zeros(n_primary, bool), np.ones(n - n_primary, bool)]
    rows = pa.array(person)
    account_rows = pa.array(people.account[person])
    email = email_variant(people.canonical_email.take(rows), rng, "salesforce")
    email = null_where(email, is_duplicate & (rng.random(n) < 0.5))
    is_billing = people.is_billing_contact[person]
    account_id = null_where(accounts.crm_id.take(account_rows),
                            ~is_billing & ~is_duplicate & (rng.random(n) < 0.02))
    first, last = people.first_name.take(rows), people.last_name.take(rows)
    draw = rng.random(n)
    last = where(is_duplicate & (draw < 0.3), pc.utf8_upper(last), last)
    first = where(is_duplicate & (draw > 0.8), pc.utf8_lower(first), first)
    created = np.where(is_duplicate, people.created_at[person] + rng.integers(DAY, 200 * DAY, n),
                       people.created_at[person])
    created = np.minimum(created, end - HOUR)
    opted_out = fatigue.crm_opt_out[person] & ~is_duplicate
    modified = np.maximum(created, np.where(opted_out, fatigue.unsubscribed_at[person], 0))
    modified = np.minimum(modified + rng.integers(0, 30 * DAY, n), end - HOUR)
    synced = synced_micros(rng, modified, end)
    ids = pa.concat_arrays([people.crm_contact_ids, people.duplicate_ids])
    table = writer.build("salesforce/contact", {
        "id": ids, "account_id": account_id, "email": email, "first_name": first,
        "last_name": last, "name": cat(first, " ", last),
        "title": pick(TITLES_FLAT, people.title_index[person]),
        "department": pick([words.DEPARTMENTS[c] for c in words.TITLE_CATS],
                           people.category[person]),
        "phone": null_where(cat("+1 555 ", num_str(rng.integers(1000000, 9999999, n))),
                            rng.random(n) < 0.4),
        "owner_id": company.staff_ids.take(pa.array(accounts.owner[people.account[person]])),
        "has_opted_out_of_email": fmt_bool(opted_out, rng),
        "do_not_call": fmt_bool(rng.random(n) < 0.02, rng),
        "mailing_city": accounts.city.take(account_rows),
        "mailing_country": accounts.country_name.take(account_rows),
        "lead_source": pick(LEAD_SOURCES, rng.integers(0, len(LEAD_SOURCES), n)),
        "created_date": fmt_ts(created, rng, MIX),
        "last_modified_date": fmt_ts(modified, rng, MIX),
        "is_deleted": fmt_bool(~is_billing & (rng.random(n) < 0.01), rng),
        "_fivetran_synced": fmt_synced(synced),
    }, n)
    retitled = np.flatnonzero(rng.random(n) < 0.01)
    new_title = pick(TITLES_FLAT, rng.integers(0, len(TITLES_FLAT), len(retitled)))
    late_modified = np.minimum(modified[retitled] + rng.integers(DAY, 20 * DAY, len(retitled)),
                               end - 60)
    late, _ = later_versions(table, retitled, synced, rng, {
        "title": new_title, "last_modified_date": fmt_ts(late_modified, rng, MIX)})
    writer.write("salesforce/contact", messify(table, rng, created, late))
    company.truth.record_people("salesforce", "contact", ids, people.person_id.take(rows))


def write_opportunities(state: ChunkState, rng: np.random.Generator) -> pa.Array:
    """``salesforce/opportunity``: renewals (lost when the account churns within 100 days,
    open until their date), upsells (won when the upgrade followed) and new business for
    accounts that started in the window. Returns the ids (renewals, then upsells)."""
    company, accounts, opportunities = state.company, state.accounts, state.opportunities
    end, writer = company.end, company.writer
    renewal_account, renewal_at = opportunities.renewal_account, opportunities.renewal_at
    upsell_account, upsell_at = opportunities.upsell_account, opportunities.upsell_at
    n_renewals = len(renewal_account)
    renewal_lost = (accounts.churned[renewal_account]
                    & (renewal_at >= accounts.churned_at[renewal_account] - 100 * DAY))
    renewal_stage = np.where(renewal_at >= end, np.where(rng.random(n_renewals) < 0.5, 3, 4),
                             np.where(renewal_lost, LOST, WON))
    upsell_won = (accounts.upgraded[upsell_account]
                  & (accounts.upgraded_at[upsell_account] > upsell_at))
    upsell_close = upsell_at + 30 * DAY
    upsell_stage = np.where(upsell_won, WON, np.where(upsell_close < end, LOST, PROSPECTING))
    new_business = np.flatnonzero(accounts.start >= company.window_start)
    account = np.concatenate([renewal_account, upsell_account, new_business])
    kind = np.concatenate([np.zeros(n_renewals, int), np.ones(len(upsell_account), int),
                           np.full(len(new_business), 2)])
    stage = np.concatenate([renewal_stage, upsell_stage, np.zeros(len(new_business), int)])
    close = np.concatenate([renewal_at, upsell_close, accounts.start[new_business]])
    created = np.concatenate([renewal_at - 100 * DAY, upsell_at - DAY,
                              accounts.start[new_business] - 30 * DAY])
    owner = np.concatenate([accounts.account_manager[renewal_account],
                            accounts.account_executive[upsell_account],
                            accounts.account_executive[new_business]])
    n = len(account)
    amount = (accounts.current_seats[account] * PLAN_MONTHLY_USD[accounts.current_plan[account]]
              * 12)
    ids = sf_ids("006", company.take("opp", n), n)
    closed = stage <= LOST
    modified = np.minimum(np.where(closed, close, created + 5 * DAY), end - HOUR)
    table = writer.build("salesforce/opportunity", {
        "id": ids, "account_id": accounts.crm_id.take(pa.array(account)),
        "owner_id": company.staff_ids.take(pa.array(owner)),
        "name": cat(accounts.name.take(pa.array(account)), " - ",
                    pick(["Renewal", "Upsell", "New Business"], kind)),
        "type": pick(["Renewal", "Existing Business", "New Business"], kind),
        "stage_name": pick(OPPORTUNITY_STAGES, stage), "amount": num_str(amount),
        "probability": pick(["100", "0", "10", "80", "60"], stage),
        "close_date": fmt_date(close), "is_closed": fmt_bool(closed, rng),
        "is_won": fmt_bool(stage == WON, rng),
        "lead_source": pick(["Web", "Outbound", "Partner Referral"], rng.integers(0, 3, n)),
        "forecast_category": pick(["Closed", "Omitted", "Pipeline", "Commit", "Best Case"],
                                  stage),
        "created_date": fmt_ts(created, rng, MIX),
        "last_modified_date": fmt_ts(modified, rng, MIX),
        "is_deleted": fmt_bool(rng.random(n) < 0.005, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, modified, end)),
    }, n)
    writer.write("salesforce/opportunity", messify(table, rng, created))
    return ids


def task_links(state: ChunkState, rng: np.random.Generator, opportunity_ids: pa.Array
               ) -> tuple[pa.Array, pa.Array]:
    """(who_id, what_id) of every task: the contact (a quarter of the people with a
    duplicate linked through it, 1% to a contact missing from the export, half of the
    non-message tasks none) and the renewal/upsell opportunity, else the account."""
    company, people, tasks = state.company, state.people, state.tasks
    n = len(tasks)
    on_opportunity = (np.isin(tasks.kind, [RENEWAL, UPSELL]) & (tasks.opportunity >= 0))
    what = where(on_opportunity,
                 opportunity_ids.take(pa.array(np.maximum(tasks.opportunity, 0))),
                 state.accounts.crm_id.take(pa.array(tasks.account)))
    person = np.maximum(tasks.person, 0)
    via_duplicate = (people.duplicate_of[person] >= 0) & (rng.random(n) < 0.25)
    who = where(via_duplicate,
                people.duplicate_ids.take(pa.array(np.maximum(people.duplicate_of[person], 0))),
                people.crm_contact_ids.take(pa.array(people.crm_row_of[person])))
    missing_ids = sf_ids("003", 50_000_000 + company.take("ghost_contact", n), n)
    who = where(rng.random(n) < 0.01, missing_ids, who)
    who = null_where(who, (tasks.kind == OTHER_TASK) & (rng.random(n) < 0.5))
    return who, what


def write_tasks(state: ChunkState, rng: np.random.Generator, opportunity_ids: pa.Array
                ) -> None:
    """``salesforce/task``: subjects by kind (meetings and calls marked), completion time of
    completed tasks, call fields of calls."""
    company, tasks = state.company, state.tasks
    end, writer = company.end, company.writer
    n = len(tasks)
    who, what = task_links(state, rng, opportunity_ids)
    subjects, subject_index = pick_from_lists(
        rng, [words.TASK_SUBJECTS[kind] for kind in TASK_KINDS], tasks.kind)
    subject = pick(subjects, subject_index)
    meeting_subject = pick(words.TASK_SUBJECTS["meeting"], rng.integers(0, 3, n))
    subject = where(tasks.subtype == MEETING, meeting_subject, subject)
    subject = where(tasks.subtype == CALL, cat("Call: ", subject), subject)
    is_call = tasks.subtype == CALL
    created = tasks.at - rng.integers(0, 3 * DAY, n)
    modified = np.minimum(tasks.at + rng.integers(0, 2 * DAY, n), end - 60)
    table = writer.build("salesforce/task", {
        "id": sf_ids("00T", company.take("task", n), n), "who_id": who, "what_id": what,
        "account_id": state.accounts.crm_id.take(pa.array(tasks.account)),
        "owner_id": company.staff_ids.take(pa.array(tasks.owner)), "subject": subject,
        "type": pick(["Email", "Call", "Meeting", "Other"], tasks.subtype),
        "task_subtype": pick(["Email", "Call", "Task", "Task"], tasks.subtype),
        "status": pick(["Completed", "Not Started", "In Progress"], tasks.status),
        "priority": pick(["Normal", "High"], (rng.random(n) < 0.15).astype(int)),
        "activity_date": fmt_date(tasks.at),
        "completed_date_time": fmt_ts(np.where(tasks.status == COMPLETED, tasks.at, NULL_TS),
                                      rng, MIX),
        "call_type": null_where(pa.array(["Outbound"] * n), ~is_call),
        "call_duration_in_seconds": null_where(num_str(rng.integers(30, 1800, n)), ~is_call),
        "description": null_where(pick(TASK_NOTES, rng.integers(0, len(TASK_NOTES), n)),
                                  rng.random(n) < 0.6),
        "created_date": fmt_ts(created, rng, MIX),
        "last_modified_date": fmt_ts(modified, rng, MIX),
        "is_deleted": fmt_bool(rng.random(n) < 0.01, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, modified, end)),
    }, n)
    writer.write("salesforce/task", messify(table, rng, created))
