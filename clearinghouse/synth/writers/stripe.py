"""Stripe export of a chunk: customer, subscription, subscription_item, invoice, charge."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.synth.billing import add_months
from clearinghouse.synth.common import (
    DAY,
    HOUR,
    NULL_TS,
    TS_MIX,
    cat,
    cents,
    fmt_bool,
    fmt_date,
    fmt_synced,
    fmt_ts,
    messify,
    null_where,
    num_str,
    pick,
    stripe_ids,
    where,
)
from clearinghouse.synth.parameters import PLANS
from clearinghouse.synth.state import ChunkState
from clearinghouse.synth.variants import company_variant, email_variant, synced_micros

MIX = TS_MIX["stripe"]
FAILURES = [("card_declined", "Your card was declined."),
            ("insufficient_funds", "Your card has insufficient funds."),
            ("expired_card", "Your card has expired.")]


def write_stripe(state: ChunkState, rng: np.random.Generator) -> None:
    """Customers, subscriptions with their items, invoices and charges."""
    customers = write_customers(state, rng)
    subscription_ids = write_subscriptions(state, rng, customers["ids"])
    write_invoices(state, rng, customers, subscription_ids)


def write_customers(state: ChunkState, rng: np.random.Generator) -> dict:
    """``stripe/customer``: one per account (billing contact's email, company name as billing
    writes it), plus an old deleted customer for 1.5% of accounts. Truth: person_id (the
    billing contact) and company_id of every customer."""
    company, accounts, people = state.company, state.accounts, state.people
    n, end, writer = state.n_accounts, company.end, company.writer
    billing_person = people.billing_person
    ids = stripe_ids("cus_", company.take("customer", n), n)
    email = email_variant(people.canonical_email.take(pa.array(billing_person)), rng, "stripe")
    name = company_variant(accounts.name, rng, "stripe")
    created = accounts.start - rng.integers(HOUR, 20 * DAY, n)
    metadata = where(rng.random(n) < 0.7,
                     cat('{"salesforce_account_id": "', accounts.crm_id, '"}'), "{}")
    old = np.flatnonzero(rng.random(n) < 0.015)
    n_old = len(old)
    all_ids = pa.concat_arrays([ids, stripe_ids("cus_", company.take("customer", n_old), n_old)])
    account = np.concatenate([np.arange(n), old])
    n_rows = n + n_old
    all_email = pa.concat_arrays([email, email_variant(
        people.canonical_email.take(pa.array(billing_person[old])), rng, "stripe")])
    all_created = np.concatenate([created, created[old] - rng.integers(DAY, 90 * DAY, n_old)])
    deleted = np.r_[np.zeros(n, bool), np.ones(n_old, bool)]
    synced = synced_micros(rng, np.maximum(all_created,
                                           np.where(deleted, all_created + DAY, 0)), end)
    rows = pa.array(account)
    prefix = pc.utf8_upper(pc.utf8_slice_codeunits(accounts.domain_slug.take(rows), 0, 4))
    table = writer.build("stripe/customer", {
        "id": all_ids, "email": all_email,
        "name": pa.concat_arrays([name, company_variant(accounts.name.take(pa.array(old)), rng,
                                                       "stripe")]),
        "description": null_where(cat("Customer since ", fmt_date(accounts.start[account])),
                                  rng.random(n_rows) < 0.5),
        "address_line_1": cat(num_str(rng.integers(1, 999, n_rows)), " Market Street"),
        "address_city": accounts.city.take(rows),
        "address_country": accounts.country_code.take(rows),
        "currency": pa.array(["usd"] * n_rows), "balance": pa.array(["0"] * n_rows),
        "delinquent": fmt_bool(np.r_[state.billing.has_past_due, np.zeros(n_old, bool)], rng),
        "invoice_prefix": cat(prefix, num_str(rng.integers(1000, 9999, n_rows))),
        "metadata": pa.concat_arrays([metadata, pa.array(["{}"] * n_old)]),
        "created": fmt_ts(all_created, rng, MIX), "is_deleted": fmt_bool(deleted, rng),
        "livemode": fmt_bool(np.ones(n_rows, bool), rng),
        "_fivetran_synced": fmt_synced(synced),
    }, n_rows)
    writer.write("stripe/customer", messify(table, rng, all_created))
    company.truth.record_people("stripe", "customer", all_ids,
                                people.person_id.take(pa.array(billing_person[account])))
    company.truth.record_companies("stripe", "customer", all_ids,
                                   accounts.company_id.take(rows))
    return {"ids": ids, "email": email, "name": name}


def current_period(state: ChunkState) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each subscription's current (or last) billing period."""
    accounts, billing = state.accounts, state.billing
    last_moment = np.minimum(accounts.active_until, state.company.end) - 1
    months_since = (last_moment.astype("M8[s]").astype("M8[M]")
                    - billing.anchor_month).astype(np.int64)
    months = billing.months_per_period
    number = months_since // months
    start = add_months(billing.anchor_month, number * months, billing.anchor_offset)
    number = np.where(start > last_moment, number - 1, number)
    return (add_months(billing.anchor_month, number * months, billing.anchor_offset),
            add_months(billing.anchor_month, (number + 1) * months, billing.anchor_offset))


def write_subscriptions(state: ChunkState, rng: np.random.Generator, customer_ids: pa.Array
                        ) -> pa.Array:
    """``stripe/subscription`` (20% of new ones with a 14-day trial; canceled, past_due or
    active) and ``subscription_item``: an upgrade re-lands the same item id with the new
    price/quantity and a later ``_fivetran_synced``, as Stripe's connector does."""
    company, accounts, billing = state.company, state.accounts, state.billing
    n, end, writer = state.n_accounts, company.end, company.writer
    ids = stripe_ids("sub_", company.take("subscription", n), n)
    trial = (accounts.start >= company.window_start) & (rng.random(n) < 0.2)
    status = np.where(accounts.churned, "canceled",
                      np.where(billing.has_past_due, "past_due", "active"))
    period_start, period_end = current_period(state)
    created = np.where(trial, accounts.start - 14 * DAY, accounts.start)
    modified = np.minimum(np.maximum(period_start, np.where(accounts.churned,
                                                            accounts.churned_at, 0)), end - HOUR)
    table = writer.build("stripe/subscription", {
        "id": ids, "customer_id": customer_ids, "status": pa.array(status.tolist()),
        "collection_method": pick(["charge_automatically", "send_invoice"],
                                  accounts.pays_by_invoice.astype(int)),
        "cancel_at_period_end": fmt_bool(~accounts.churned & (rng.random(n) < 0.03), rng),
        "billing_cycle_anchor": fmt_ts(accounts.start, rng, MIX),
        "current_period_start": fmt_ts(period_start, rng, MIX),
        "current_period_end": fmt_ts(period_end, rng, MIX),
        "start_date": fmt_ts(created, rng, MIX),
        "trial_start": fmt_ts(np.where(trial, accounts.start - 14 * DAY, NULL_TS), rng, MIX),
        "trial_end": fmt_ts(np.where(trial, accounts.start, NULL_TS), rng, MIX),
        "canceled_at": fmt_ts(accounts.canceled_at, rng, MIX),
        "ended_at": fmt_ts(accounts.churned_at, rng, MIX),
        "created": fmt_ts(created, rng, MIX),
        "metadata": where(rng.random(n) < 0.5,
                          cat('{"plan": "', pick(PLANS, accounts.plan_at_start), '"}'), "{}"),
        "livemode": fmt_bool(np.ones(n, bool), rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, modified, end)),
    }, n)
    writer.write("stripe/subscription", messify(table, rng, created))
    upgraded = np.flatnonzero(accounts.upgraded)
    account = np.concatenate([np.arange(n), upgraded])
    annual = accounts.annual.astype(np.int64)
    price = np.concatenate([accounts.plan_at_start * 2 + annual,
                            accounts.current_plan[upgraded] * 2 + annual[upgraded]])
    item_created = np.concatenate([created, created[upgraded]])
    item_ids = stripe_ids("si_", company.take("sub_item", n), n)
    first_synced = synced_micros(rng, created, end)
    upgrade_synced = np.maximum(synced_micros(rng, accounts.upgraded_at[upgraded], end),
                                first_synced[upgraded] + 1_000_000)
    n_items = len(account)
    table = writer.build("stripe/subscription_item", {
        "id": item_ids.take(pa.array(account)),
        "subscription_id": ids.take(pa.array(account)),
        "price_id": company.price_ids.take(pa.array(price)),
        "quantity": num_str(np.concatenate([accounts.seats_at_start,
                                            accounts.current_seats[upgraded]])),
        "created": fmt_ts(item_created, rng, MIX), "metadata": pa.array(["{}"] * n_items),
        "_fivetran_synced": fmt_synced(np.concatenate([first_synced, upgrade_synced])),
    }, n_items)
    writer.write("stripe/subscription_item", messify(
        table, rng, np.concatenate([created, accounts.upgraded_at[upgraded]])))
    return ids


def write_invoices(state: ChunkState, rng: np.random.Generator, customers: dict,
                   subscription_ids: pa.Array) -> None:
    """``stripe/invoice`` (20% addressed with another spelling of the billing email) and
    ``stripe/charge`` (failures with a code and message)."""
    company, billing, people = state.company, state.billing, state.people
    end, writer = company.end, company.writer
    account = billing.account
    rows = pa.array(account)
    n = len(account)
    total, status, paid = billing.total_cents, billing.status, billing.paid
    email = where(rng.random(n) < 0.8, customers["email"].take(rows), email_variant(
        people.canonical_email.take(pa.array(people.billing_person[account])), rng, "stripe"))
    unpaid = (status == "open") | (status == "uncollectible")
    modified = np.minimum(np.where(paid, billing.paid_at, billing.created_at), end - 60)
    number = cat(pc.utf8_upper(pc.utf8_slice_codeunits(
        state.accounts.domain_slug.take(rows), 0, 4)), "-",
        pc.utf8_lpad(num_str(billing.period_number + 1), 4, "0"))
    table = writer.build("stripe/invoice", {
        "id": billing.ids, "customer_id": customers["ids"].take(rows),
        "subscription_id": subscription_ids.take(rows), "number": number,
        "status": pa.array(status.tolist(), pa.string()),
        "billing_reason": pick(["subscription_cycle", "subscription_create"],
                               (billing.period_number == 0).astype(int)),
        "collection_method": pick(["charge_automatically", "send_invoice"],
                                  billing.by_invoice.astype(int)),
        "currency": pa.array(["usd"] * n),
        "amount_due": cents(np.where(status == "void", 0, total)),
        "amount_paid": cents(np.where(paid, total, 0)),
        "amount_remaining": cents(np.where(unpaid, total, 0)),
        "subtotal": cents(total), "tax": pa.array(["0"] * n), "total": cents(total),
        "attempt_count": num_str(billing.attempts),
        "attempted": fmt_bool(billing.attempts > 0, rng),
        "paid": fmt_bool(paid, rng), "customer_email": email,
        "customer_name": customers["name"].take(rows),
        "period_start": fmt_ts(billing.period_start, rng, MIX),
        "period_end": fmt_ts(billing.period_end, rng, MIX),
        "due_date": fmt_ts(billing.due_at, rng, MIX),
        "created": fmt_ts(billing.created_at, rng, MIX),
        "is_deleted": fmt_bool(np.zeros(n, bool), rng),
        "livemode": fmt_bool(np.ones(n, bool), rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, modified, end)),
    }, n)
    writer.write("stripe/invoice", messify(table, rng, billing.created_at))
    invoice = billing.charge_invoice
    succeeded, charge_at = billing.charge_succeeded, billing.charge_at
    n_charges = len(invoice)
    failure = rng.integers(0, len(FAILURES), n_charges)
    table = writer.build("stripe/charge", {
        "id": stripe_ids("ch_", company.take("charge", n_charges), n_charges),
        "customer_id": customers["ids"].take(pa.array(account[invoice])),
        "invoice_id": billing.ids.take(pa.array(invoice)),
        "amount": cents(total[invoice]), "amount_refunded": pa.array(["0"] * n_charges),
        "currency": pa.array(["usd"] * n_charges),
        "status": pick(["failed", "succeeded"], succeeded.astype(int)),
        "paid": fmt_bool(succeeded, rng), "captured": fmt_bool(succeeded, rng),
        "refunded": fmt_bool(np.zeros(n_charges, bool), rng),
        "failure_code": null_where(pick([f[0] for f in FAILURES], failure), succeeded),
        "failure_message": null_where(pick([f[1] for f in FAILURES], failure), succeeded),
        "receipt_email": email.take(pa.array(invoice)),
        "description": cat("Payment for invoice ", number.take(pa.array(invoice))),
        "created": fmt_ts(charge_at, rng, MIX),
        "livemode": fmt_bool(np.ones(n_charges, bool), rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, charge_at, end)),
    }, n_charges)
    writer.write("stripe/charge", messify(table, rng, charge_at))
