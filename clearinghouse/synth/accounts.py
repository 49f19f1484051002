"""Stage ``accounts``: the chunk's customer companies."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from clearinghouse.synth import words
from clearinghouse.synth.common import DAY, NULL_TS, cat, pick, sf_ids, zpad
from clearinghouse.synth.parameters import WINDOW_DAYS
from clearinghouse.synth.sampling import pick_from_lists, uniform_between
from clearinghouse.synth.state import Accounts, ChunkState

CHURN_RATE = 0.13  # of accounts old enough to churn (started 120+ days before the end)
UPGRADE_RATE = 0.2


def company_names(state: ChunkState) -> tuple:
    """Unique company names and domains: the account's global index walks a scrambled
    enumeration of (prefix, stem, noun, suffix) combinations, offset by the seed."""
    index = state.first_account + np.arange(state.n_accounts)
    space = len(words.CO_A) * len(words.CO_B) * len(words.CO_C) * len(words.CO_D)
    code = (index * 104_723 + (state.company.seed * 7_919) % space) % space
    prefix, rest = code % len(words.CO_A), code // len(words.CO_A)
    stem, rest = rest % len(words.CO_B), rest // len(words.CO_B)
    noun, suffix = rest % len(words.CO_C), rest // len(words.CO_C)
    suffixes = [""] + [" " + s for s in words.CO_D[1:]]
    name = cat(pick(words.CO_A, prefix), pick(words.CO_B, stem), " ", pick(words.CO_C, noun),
               pick(suffixes, suffix))
    slug = cat(pc.utf8_lower(cat(pick(words.CO_A, prefix), pick(words.CO_B, stem))), "-",
               pc.utf8_lower(pick(words.CO_C, noun)),
               pick([""] + ["-" + s.lower() for s in words.CO_D[1:]], suffix))
    return index, name, slug


def simulate_accounts(state: ChunkState, rng: np.random.Generator) -> None:
    """Accounts: name and domains (10% with a second domain), plan and seats, subscription
    start (30% before the window), annual billing, churn (13% of old-enough accounts),
    upgrades (20%: plan or seats), country and city, industry, owners (CSM, AM, AE).

    Truth recorded later from these fields: company_id, churned_at, current plan and MRR."""
    company = state.company
    n, end, window_start = state.n_accounts, company.end, company.window_start
    index, name, slug = company_names(state)
    has_second_domain = rng.random(n) < 0.10
    second_domain = cat(slug, pick(words.SECOND_TLDS, rng.integers(0, len(words.SECOND_TLDS),
                                                                   n)))
    plan_at_start = rng.choice(3, n, p=[0.5, 0.35, 0.15])
    seats_at_start = np.choose(plan_at_start, [
        3 + rng.lognormal(2.2, 0.6, n), 10 + rng.lognormal(3.3, 0.7, n),
        50 + rng.lognormal(4.6, 0.7, n)]).astype(np.int64)
    started_before_window = rng.random(n) < 0.3
    start = np.where(started_before_window,
                     window_start - rng.integers(DAY, 3 * 365 * DAY, n),
                     window_start + rng.integers(0, (WINDOW_DAYS - 45) * DAY, n))
    annual = rng.random(n) < 0.3
    pays_by_invoice = annual | (rng.random(n) < 0.4)

    can_churn = start < end - 120 * DAY
    churned = can_churn & (rng.random(n) < CHURN_RATE)
    earliest_churn = np.maximum(start + 90 * DAY, window_start + DAY)
    churned_at = np.where(churned, uniform_between(
        rng, earliest_churn, np.maximum(earliest_churn + DAY, end - DAY)), NULL_TS)
    churned &= churned_at < end
    churned_at[~churned] = NULL_TS
    active_until = np.where(churned, churned_at, end)
    canceled_at = np.where(churned, np.maximum(churned_at - rng.integers(0, 20 * DAY, n), start),
                           NULL_TS)

    earliest_upgrade = np.maximum(start, window_start) + 30 * DAY
    latest_upgrade = active_until - 20 * DAY
    upgraded = (latest_upgrade > earliest_upgrade) & (rng.random(n) < UPGRADE_RATE)
    upgraded_at = np.where(upgraded, uniform_between(
        rng, earliest_upgrade, np.maximum(latest_upgrade, earliest_upgrade + 1)), NULL_TS)
    plan_upgrade = upgraded & (plan_at_start < 2) & (rng.random(n) < 0.5)
    current_plan = np.where(plan_upgrade, plan_at_start + 1, plan_at_start)
    current_seats = np.where(upgraded & ~plan_upgrade, (
        seats_at_start * (1.15 + rng.random(n) * 0.85)).astype(np.int64) + 1, seats_at_start)

    country = rng.choice(len(words.COUNTRIES), n, p=[c[2] for c in words.COUNTRIES])
    cities, city_index = pick_from_lists(rng, [c[3] for c in words.COUNTRIES], country)
    industry = rng.integers(0, len(words.INDUSTRIES), n)
    employees = (seats_at_start * (1.5 + rng.random(n) * 10)).astype(np.int64) + 5
    staff = company.staff_by_role
    owners = {role: staff[role][rng.integers(0, len(staff[role]), n)] for role in
              ("Customer Success Manager", "Account Manager", "Account Executive")}
    success_manager, account_manager, account_executive = owners.values()
    owner = np.choose(rng.choice(3, n, p=[0.55, 0.3, 0.15]),
                      [success_manager, account_manager, account_executive])
    state.accounts = Accounts(
        company_id=zpad("C", index, 6), crm_id=sf_ids("001", state.first_account, n),
        name=name, domain_slug=slug, domain=cat(slug, ".com"),
        has_second_domain=has_second_domain, second_domain=second_domain, start=start,
        plan_at_start=plan_at_start, seats_at_start=seats_at_start, annual=annual,
        pays_by_invoice=pays_by_invoice, churned=churned, churned_at=churned_at,
        canceled_at=canceled_at, active_until=active_until, upgraded=upgraded,
        upgraded_at=upgraded_at, current_plan=current_plan, current_seats=current_seats,
        country=country, country_code=pick([c[0] for c in words.COUNTRIES], country),
        country_name=pick([c[1] for c in words.COUNTRIES], country),
        city=pick(cities, city_index), industry=industry, employees=employees,
        success_manager=success_manager, account_manager=account_manager,
        account_executive=account_executive, owner=owner)
