"""Stage ``outreach``: the 1:1 work of customer success, account management, sales, billing
and marketing, as Salesforce tasks (emails, calls, meetings, other)."""

from __future__ import annotations

import numpy as np

from clearinghouse.synth.common import DAY, NULL_TS, expand
from clearinghouse.synth.parameters import (
    BILLING_REMINDER,
    CALL,
    CHECKIN,
    COMPLETED,
    EMAIL,
    IN_PROGRESS,
    MARKETING_TASK,
    MEETING,
    NOT_A_MESSAGE,
    NOT_STARTED,
    OTHER_TASK,
    QBR,
    RENEWAL,
    UPSELL,
)
from clearinghouse.synth.sampling import business_hours, uniform_between
from clearinghouse.synth.state import ChunkState, Opportunities, Tasks

YEAR = 365 * DAY
QBR_STEPS = ((0, EMAIL), (3, EMAIL), (7, EMAIL), (10, MEETING))  # (day offset, subtype)
RENEWAL_STEPS = ((0, EMAIL), (4, EMAIL), (8, CALL), (12, EMAIL))
UPSELL_STEPS = ((0, EMAIL), (3, EMAIL), (6, CALL), (9, EMAIL), (13, EMAIL))
BILLING_STEPS = ((3, EMAIL), (10, EMAIL), (17, CALL))


class TaskList:
    """Collects tasks; keeps those inside the window and the account's life with a person."""

    def __init__(self, state: ChunkState):
        self.state = state
        self.parts: list[tuple] = []

    def add(self, account, person, at, owner, subtype, kind, opportunity=None) -> None:
        company = self.state.company
        keep = ((at >= company.window_start) & (at < company.end)
                & (at < self.state.accounts.active_until[account]) & (person >= 0))
        if opportunity is None:
            opportunity = np.full(len(account), -1)
        subtype = np.broadcast_to(np.asarray(subtype, dtype=np.int64), account.shape)
        self.parts.append((account[keep], person[keep], at[keep], owner[keep], subtype[keep],
                           np.full(keep.sum(), kind), opportunity[keep]))

    def columns(self) -> list[np.ndarray]:
        return [np.concatenate(column) for column in zip(*self.parts, strict=True)]


def add_success_tasks(tasks: TaskList, rng: np.random.Generator) -> None:
    """CSM check-ins every 35-50 days (80% emails, else calls) and quarterly business reviews
    (enterprise and half of growth accounts: 3 emails and a meeting)."""
    state = tasks.state
    accounts, people, n = state.accounts, state.people, state.n_accounts
    life_start = np.maximum(accounts.start, state.company.window_start)
    period = rng.integers(35, 50, n) * DAY
    account, number = expand(np.maximum((accounts.active_until - life_start) // period, 0))
    at = business_hours(rng, life_start[account] + (
        (number + 0.2 + 0.6 * rng.random(len(account))) * period[account]).astype(np.int64))
    tasks.add(account, people.pick_contact(rng, account), at,
              accounts.success_manager[account],
              np.where(rng.random(len(account)) < 0.8, EMAIL, CALL), CHECKIN)
    has_qbr = ((accounts.plan_at_start == 2)
               | ((accounts.plan_at_start == 1) & (rng.random(n) < 0.5)))
    account, number = expand(np.where(
        has_qbr, np.maximum((accounts.active_until - life_start) // (91 * DAY), 0), 0))
    start = life_start[account] + number * 91 * DAY + rng.integers(20, 60, len(account)) * DAY
    person = people.pick_contact(rng, account)
    for offset, subtype in QBR_STEPS:
        tasks.add(account, person, business_hours(rng, start + offset * DAY),
                  accounts.success_manager[account], np.full(len(account), subtype), QBR)


def add_sales_tasks(tasks: TaskList, rng: np.random.Generator) -> Opportunities:
    """Renewals: AMs push each contract anniversary 90, 60 and 30 days before (3 emails and
    a call each time); upsells: AEs work 25% of accounts, two contacts, 4 emails and a call
    each. Returns the renewal and upsell opportunities the tasks are attached to."""
    state = tasks.state
    accounts, people, company = state.accounts, state.people, state.company
    window_start, end = company.window_start, company.end
    life_start = np.maximum(accounts.start, window_start)
    first_year = np.maximum(1, -((accounts.start - window_start) // YEAR))
    last_year = (np.minimum(accounts.active_until, end) + 95 * DAY - accounts.start) // YEAR
    account, number = expand(np.maximum(last_year - first_year + 1, 0))
    renewal_at = accounts.start[account] + (first_year[account] + number) * YEAR
    keep = (renewal_at > window_start) & (
        renewal_at - 90 * DAY < np.minimum(accounts.active_until[account], end))
    renewal_account, renewal_at = account[keep], renewal_at[keep]
    n_renewals = len(renewal_account)
    person = people.pick_contact(rng, renewal_account)
    for days_before in (90, 60, 30):
        for offset, subtype in RENEWAL_STEPS:
            at = business_hours(rng, renewal_at - days_before * DAY + offset * DAY)
            tasks.add(renewal_account, person, at, accounts.account_manager[renewal_account],
                      np.full(n_renewals, subtype), RENEWAL, np.arange(n_renewals))
    upsell_account = np.flatnonzero((accounts.active_until - life_start > 60 * DAY)
                                    & (rng.random(state.n_accounts) < 0.25))
    upsell_at = uniform_between(rng, life_start[upsell_account] + 30 * DAY,
                                accounts.active_until[upsell_account] - 20 * DAY)
    upsell_opportunity = n_renewals + np.arange(len(upsell_account))
    for key_first in (True, False):
        person = people.pick_contact(rng, upsell_account, key_first)
        for offset, subtype in UPSELL_STEPS:
            tasks.add(upsell_account, person, business_hours(rng, upsell_at + offset * DAY),
                      accounts.account_executive[upsell_account],
                      np.full(len(upsell_account), subtype), UPSELL, upsell_opportunity)
    return Opportunities(renewal_account, renewal_at, upsell_account, upsell_at)


def add_other_tasks(tasks: TaskList, rng: np.random.Generator) -> None:
    """Billing reminders for past-due and uncollectible invoices (2 emails and a call to the
    billing contact), a few marketing-owned emails, and 2 non-message tasks per account."""
    state = tasks.state
    accounts, people, billing = state.accounts, state.people, state.billing
    staff = state.company.staff_by_role
    chased = np.flatnonzero(billing.past_due | (billing.status == "uncollectible"))
    specialists = staff["Billing Specialist"]
    owner = specialists[rng.integers(0, len(specialists), len(chased))]
    base = np.where(billing.due_at[chased] != NULL_TS, billing.due_at[chased],
                    billing.created_at[chased] + 7 * DAY)
    chased_account = billing.account[chased]
    for offset, subtype in BILLING_STEPS:
        tasks.add(chased_account, people.billing_person[chased_account],
                  business_hours(rng, base + offset * DAY), owner,
                  np.full(len(chased), subtype), BILLING_REMINDER)
    crm = people.crm_people
    marketed = crm[rng.random(len(crm)) < 0.02]
    marketers = staff["Marketing Manager"]
    tasks.add(people.account[marketed], marketed, business_hours(rng, uniform_between(
        rng, people.active_from[marketed], people.active_until[marketed])),
        marketers[rng.integers(0, len(marketers), len(marketed))],
        np.full(len(marketed), EMAIL), MARKETING_TASK)
    account = np.repeat(np.arange(state.n_accounts), 2)
    life_start = np.maximum(accounts.start, state.company.window_start)
    tasks.add(account, people.pick_contact(rng, account, False), business_hours(
        rng, uniform_between(rng, life_start[account], accounts.active_until[account])),
        accounts.owner[account], np.full(len(account), NOT_A_MESSAGE), OTHER_TASK)


def simulate_outreach(state: ChunkState, rng: np.random.Generator) -> None:
    """Salesforce tasks of every team (see the ``add_*`` functions) at business hours, with
    statuses: 93% completed (none in the last two days), 4% not started, 3% in progress.
    Completed emails and calls are outbound messages (they count toward fatigue)."""
    tasks = TaskList(state)
    add_success_tasks(tasks, rng)
    state.opportunities = add_sales_tasks(tasks, rng)
    add_other_tasks(tasks, rng)
    account, person, at, owner, subtype, kind, opportunity = tasks.columns()
    draw = rng.random(len(account))
    status = np.where(draw < 0.93, COMPLETED, np.where(draw < 0.97, NOT_STARTED, IN_PROGRESS))
    status[at > state.company.end - 2 * DAY] = NOT_STARTED
    state.tasks = Tasks(account=account, person=person, at=at, owner=owner, subtype=subtype,
                        kind=kind, opportunity=opportunity, status=status,
                        is_message=(status == COMPLETED) & (subtype <= CALL))
