"""Stage ``billing``: Stripe invoices and charges of every subscription period."""

from __future__ import annotations

import numpy as np

from clearinghouse.synth.common import DAY, HOUR, NULL_TS, expand, stripe_ids
from clearinghouse.synth.parameters import PLAN_MONTHLY_USD
from clearinghouse.synth.state import Billing, ChunkState

PAST_DUE_RATE = 0.09  # of live accounts paying by invoice: latest due invoice left open


def add_months(month: np.ndarray, months: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Epoch seconds of ``month`` (datetime64[M]) plus ``months``, plus ``offset`` seconds."""
    return (month + months.astype("m8[M]")).astype("M8[s]").astype(np.int64) + offset


def invoice_periods(state: ChunkState) -> dict:
    """One candidate invoice per billing period that starts in the window while the account
    is active: (account, period number, period start, period end)."""
    accounts, company = state.accounts, state.company
    window_start, end = company.window_start, company.end
    months_per_period = np.where(accounts.annual, 12, 1)
    anchor_month = accounts.start.astype("M8[s]").astype("M8[M]")
    anchor_offset = accounts.start - anchor_month.astype("M8[s]").astype(np.int64)
    until = np.minimum(accounts.active_until, end)
    first_period = np.maximum(0, (window_start - accounts.start)
                              // (31 * DAY * months_per_period))
    last_period = (until - accounts.start) // (28 * DAY * months_per_period) + 2
    account, position = expand(np.maximum(last_period - first_period, 0))
    number = first_period[account] + position
    months = months_per_period[account]
    start = add_months(anchor_month[account], number * months, anchor_offset[account])
    period_end = add_months(anchor_month[account], (number + 1) * months,
                            anchor_offset[account])
    keep = (start >= np.maximum(window_start, accounts.start[account])) & (start < until[account])
    return {"months_per_period": months_per_period, "anchor_month": anchor_month,
            "anchor_offset": anchor_offset, "account": account[keep], "number": number[keep],
            "start": start[keep], "end": period_end[keep]}


def invoice_statuses(state: ChunkState, rng: np.random.Generator, account: np.ndarray,
                     created_at: np.ndarray, by_invoice: np.ndarray, due_at: np.ndarray,
                     paid_at: np.ndarray) -> np.ndarray:
    """paid, open (unpaid yet, or past due), void, uncollectible (some churners' last
    invoice), draft (some last invoices of the final two days)."""
    accounts, end = state.accounts, state.company.end
    n = len(account)
    last_of_account = np.r_[account[1:] != account[:-1], True] if n else np.zeros(0, bool)
    status = np.full(n, "paid", dtype=object)
    draw = rng.random(n)
    old = created_at < end - 45 * DAY
    status[old & (draw < 0.015)] = "void"
    status[old & ~by_invoice & (draw >= 0.015) & (draw < 0.025)] = "uncollectible"
    status[accounts.churned[account] & last_of_account & (rng.random(n) < 0.2)] = "uncollectible"
    status[(status == "paid") & (paid_at >= end)] = "open"
    past_due_account = (~accounts.churned & accounts.pays_by_invoice
                        & (rng.random(state.n_accounts) < PAST_DUE_RATE))
    due_before_end = (due_at != NULL_TS) & (due_at < end)
    # latest invoice already due of each past-due account -> open (sometimes the one before)
    due_position = np.where(due_before_end & past_due_account[account], np.arange(n), -1)
    latest_due = np.full(state.n_accounts, -1)
    np.maximum.at(latest_due, account, due_position)
    latest_due = latest_due[latest_due >= 0]
    status[latest_due] = "open"
    previous = latest_due - 1
    previous = previous[(previous >= 0) & (rng.random(len(previous)) < 0.3)]
    previous = previous[account[previous] == account[previous + 1]]
    status[previous] = "open"
    draft = last_of_account & (created_at >= end - 2 * DAY) & (rng.random(n) < 0.5)
    status[draft] = "draft"
    return status


def simulate_billing(state: ChunkState, rng: np.random.Generator) -> None:
    """Invoices per billing period (amount from the plan and seats in force, upgrades from
    their date), due dates for accounts paying by invoice, statuses, and charges: one
    success per paid invoice, failed attempts before some paid ones and all uncollectible.

    Truth: has_past_due_invoice (an open invoice whose due date has passed)."""
    accounts, company = state.accounts, state.company
    end = company.end
    periods = invoice_periods(state)
    account = periods["account"]
    n = len(account)
    after_upgrade = accounts.upgraded[account] & (periods["start"] >= accounts.upgraded_at[account])
    plan = np.where(after_upgrade, accounts.current_plan[account],
                    accounts.plan_at_start[account])
    seats = np.where(after_upgrade, accounts.current_seats[account],
                     accounts.seats_at_start[account])
    unit_cents = PLAN_MONTHLY_USD[plan] * 100 * np.where(accounts.annual[account], 10, 1)
    created_at = periods["start"] + rng.integers(60, 2 * HOUR, n)
    by_invoice = accounts.pays_by_invoice[account]
    due_at = np.where(by_invoice, created_at + 30 * DAY, NULL_TS)
    on_end_date = (due_at >= end - DAY) & (due_at < end)  # keep due dates off the end date
    due_at[on_end_date] -= DAY
    paid_at = np.where(by_invoice, created_at + rng.integers(DAY, 28 * DAY, n),
                       created_at + rng.integers(60, HOUR, n))
    status = invoice_statuses(state, rng, account, created_at, by_invoice, due_at, paid_at)
    past_due = (status == "open") & (due_at != NULL_TS) & (due_at < end)
    paid = status == "paid"
    ids = stripe_ids("in_", company.take("invoice", n), n)
    failed = np.where(status == "uncollectible", rng.integers(2, 5, n),
                      np.where(paid & ~by_invoice & (rng.random(n) < 0.04), 1, 0))
    succeeded = paid.astype(np.int64)
    charge_invoice, charge_position = expand(failed + succeeded)
    charge_succeeded = (charge_position == failed[charge_invoice]) & paid[charge_invoice]
    charge_at = np.where(charge_succeeded,
                         paid_at[charge_invoice] + failed[charge_invoice] * 2 * DAY,
                         created_at[charge_invoice] + charge_position * 3 * DAY
                         + rng.integers(60, HOUR, len(charge_invoice)))
    state.billing = Billing(
        months_per_period=periods["months_per_period"], anchor_month=periods["anchor_month"],
        anchor_offset=periods["anchor_offset"],
        has_past_due=np.bincount(account[past_due], minlength=state.n_accounts) > 0,
        account=account, period_number=periods["number"], period_start=periods["start"],
        period_end=periods["end"], total_cents=unit_cents * seats, created_at=created_at,
        by_invoice=by_invoice, due_at=due_at, status=status, paid_at=paid_at,
        past_due=past_due, ids=ids, attempts=failed + succeeded,
        charge_invoice=charge_invoice, charge_succeeded=charge_succeeded,
        charge_at=np.minimum(charge_at, end - 60))
