"""Company-wide setup, simulated once before the chunks: the staff (Salesforce roles and
users), the support team (Zendesk groups and agents), the price list (Stripe prices) and the
marketing calendar (HubSpot campaigns, written after the chunks have counted their sends)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from clearinghouse.synth import words
from clearinghouse.synth.common import (
    DAY,
    HOUR,
    TS_MIX,
    cat,
    cents,
    expand,
    fmt_bool,
    fmt_synced,
    fmt_ts,
    group_rank,
    int_ids,
    null_where,
    num_str,
    pick,
    sf_ids,
    stripe_ids,
    where,
)
from clearinghouse.synth.parameters import (
    APP_AUTOMATED,
    APP_BATCH,
    COMPANY_DOMAIN,
    GHOST,
    LAUNCH,
    LOCAL_SEND_HOURS,
    NEWSLETTER,
    NURTURE,
    PLAN_MONTHLY_USD,
    PLANS,
    SEND_BY_TIME_ZONE_SHARE,
)
from clearinghouse.synth.state import Campaigns, Company
from clearinghouse.synth.variants import synced_micros

SALESFORCE = TS_MIX["salesforce"]
ROLE_PARENT = [None, 0, 0, 0, 3, 0, 0, 0]  # index into words.ROLES
ROLE_DEPARTMENT = ["Customer Success", "Customer Success", "Sales", "Sales", "Sales",
                   "Marketing", "Support", "Finance"]
STAFF_TIME_ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin"]
SUPPORT_GROUPS = ["Tier 1 Support", "Tier 2 Support", "Billing Support"]
LAUNCH_PRODUCTS = ["Insights", "Flows", "Spaces", "Pulse", "Atlas"]


def staff_per_role(n_accounts: int) -> dict[str, int]:
    """Head count per role, scaled with the customer base."""
    return {
        "Director of Customer Success": max(1, math.ceil(n_accounts / 240)),
        "Customer Success Manager": max(2, math.ceil(n_accounts / 30)),
        "Account Manager": max(2, math.ceil(n_accounts / 50)),
        "Account Executive": max(2, math.ceil(n_accounts / 60)),
        "Sales Development Rep": max(1, math.ceil(n_accounts / 75)),
        "Marketing Manager": max(2, math.ceil(n_accounts / 150)),
        "Support Engineer": max(3, math.ceil(n_accounts / 40)),
        "Billing Specialist": max(2, math.ceil(n_accounts / 150)),
    }


def simulate_staff(company: Company, rng: np.random.Generator) -> dict:
    """Salesforce roles and users (CSMs report to directors); writes ``user_role`` and
    ``user``. Returns the staff's names, emails and creation times for the support team."""
    end, writer = company.end, company.writer
    history_start = company.window_start - 3 * 365 * DAY
    n_roles = len(words.ROLES)
    role_ids = sf_ids("00E", 0, n_roles)
    parent_ids = pa.array([None if p is None else role_ids[p].as_py() for p in ROLE_PARENT],
                          pa.string())
    role_modified = history_start + rng.integers(0, 200 * DAY, n_roles)
    writer.write("salesforce/user_role", writer.build("salesforce/user_role", {
        "id": role_ids, "name": pa.array(words.ROLES),
        "developer_name": pa.array([r.replace(" ", "_") for r in words.ROLES]),
        "parent_role_id": parent_ids, "rollup_description": pa.array(words.ROLES),
        "last_modified_date": fmt_ts(role_modified, rng, SALESFORCE),
        "_fivetran_synced": fmt_synced(synced_micros(rng, role_modified, end)),
    }, n_roles))

    per_role = staff_per_role(company.n_accounts)
    role_of = np.concatenate([np.full(count, words.ROLES.index(role))
                              for role, count in per_role.items()])
    n_staff = len(role_of)
    for role in per_role:
        company.staff_by_role[role] = np.flatnonzero(role_of == words.ROLES.index(role))
    first_index = rng.integers(0, len(words.FIRST_NAMES), n_staff)
    last_index = rng.integers(0, len(words.LAST_NAMES), n_staff)
    namesake = group_rank(first_index, last_index)
    local_part = cat(pick(words.FIRST_SLUGS, first_index), ".",
                     pick(words.LAST_SLUGS, last_index),
                     where(namesake > 0, num_str(namesake + 1), ""))
    email = cat(local_part, "@" + COMPANY_DOMAIN)
    company.staff_ids = sf_ids("005", 0, n_staff)
    directors = company.staff_by_role["Director of Customer Success"]
    managers = np.full(n_staff, -1)
    success_managers = company.staff_by_role["Customer Success Manager"]
    managers[success_managers] = directors[rng.integers(0, len(directors),
                                                        len(success_managers))]
    manager_ids = null_where(company.staff_ids.take(pa.array(np.maximum(managers, 0))),
                             managers < 0)
    first = pick(words.FIRST_NAMES, first_index)
    last = pick(words.LAST_NAMES, last_index)
    created = history_start + rng.integers(0, 3 * 365 * DAY, n_staff)
    modified = np.minimum(created + rng.integers(0, 400 * DAY, n_staff), end - DAY)
    time_zone = pick(STAFF_TIME_ZONES, rng.integers(0, len(STAFF_TIME_ZONES), n_staff))
    writer.write("salesforce/user", writer.build("salesforce/user", {
        "id": company.staff_ids, "username": cat(email, ".crm"), "email": email,
        "first_name": first, "last_name": last, "name": cat(first, " ", last),
        "title": pick(words.ROLES, role_of), "department": pick(ROLE_DEPARTMENT, role_of),
        "user_role_id": role_ids.take(pa.array(role_of)), "manager_id": manager_ids,
        "is_active": fmt_bool(rng.random(n_staff) < 0.97, rng), "time_zone_sid_key": time_zone,
        "created_date": fmt_ts(created, rng, SALESFORCE),
        "last_modified_date": fmt_ts(modified, rng, SALESFORCE),
        "_fivetran_synced": fmt_synced(synced_micros(rng, modified, end)),
    }, n_staff))
    return {"name": cat(first, " ", last), "email": email, "created": created}


def simulate_support_team(company: Company, staff: dict, rng: np.random.Generator) -> None:
    """Zendesk groups (Tier 1, Tier 2, Billing) and agents: support engineers (a third of
    them Tier 2) and billing specialists; writes ``group`` and the agents of ``user``."""
    end, writer, mix = company.end, company.writer, TS_MIX["zendesk"]
    history_start = company.window_start - 3 * 365 * DAY
    company.group_ids = int_ids(360_001_000_000, 0, 3, 7_919)
    group_created = history_start + rng.integers(0, 30 * DAY, 3)
    writer.write("zendesk/group", writer.build("zendesk/group", {
        "id": num_str(company.group_ids), "name": pa.array(SUPPORT_GROUPS),
        "description": pa.array(["First line: triage, how-to", "Escalations, bugs, SSO",
                                 "Invoices, charges, refunds"]),
        "is_public": fmt_bool(np.ones(3, bool), rng),
        "deleted": fmt_bool(np.zeros(3, bool), rng),
        "created_at": fmt_ts(group_created, rng, mix),
        "updated_at": fmt_ts(group_created + DAY, rng, mix),
        "_fivetran_deleted": fmt_bool(np.zeros(3, bool), rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, group_created + DAY, end)),
    }, 3))
    engineers = company.staff_by_role["Support Engineer"]
    billing = company.staff_by_role["Billing Specialist"]
    agent_staff = pa.array(np.concatenate([engineers, billing]))
    n_agents = len(agent_staff)
    company.agent_ids = int_ids(361_000_000_000, 0, n_agents, 104_729)
    tier2 = np.zeros(len(engineers), bool)
    tier2[: max(1, len(engineers) // 3)] = True
    company.agents_by_group = [np.flatnonzero(~tier2), np.flatnonzero(tier2),
                               np.arange(len(engineers), n_agents)]
    role = np.where(np.arange(n_agents) < 2, "admin", "agent")
    created = staff["created"][agent_staff.to_numpy()]
    writer.write("zendesk/user", writer.build("zendesk/user", {
        "id": num_str(company.agent_ids), "email": staff["email"].take(agent_staff),
        "name": staff["name"].take(agent_staff), "role": pa.array(role),
        "time_zone": pa.array(["Eastern Time (US & Canada)"] * n_agents),
        "iana_time_zone": pa.array(["America/New_York"] * n_agents),
        "locale": pa.array(["en-US"] * n_agents),
        "active": fmt_bool(np.ones(n_agents, bool), rng),
        "suspended": fmt_bool(np.zeros(n_agents, bool), rng),
        "verified": fmt_bool(np.ones(n_agents, bool), rng),
        "created_at": fmt_ts(created, rng, mix),
        "updated_at": fmt_ts(created + DAY, rng, mix),
        "last_login_at": fmt_ts(end - rng.integers(HOUR, 5 * DAY, n_agents), rng, mix),
        "_fivetran_deleted": fmt_bool(np.zeros(n_agents, bool), rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, created + DAY, end)),
    }, n_agents))


def simulate_prices(company: Company, rng: np.random.Generator) -> None:
    """Stripe prices: every plan monthly and annual (annual = 10 months); writes ``price``."""
    end, writer = company.end, company.writer
    company.price_ids = stripe_ids("price_", 0, 6)
    product_ids = stripe_ids("prod_", 0, 3)
    plan = np.repeat(np.arange(3), 2)
    annual = np.tile([0, 1], 3)
    unit_cents = PLAN_MONTHLY_USD[plan] * 100 * np.where(annual == 1, 10, 1)
    created = company.window_start - 3 * 365 * DAY + rng.integers(0, 10 * DAY, 6)
    writer.write("stripe/price", writer.build("stripe/price", {
        "id": company.price_ids, "product_id": product_ids.take(pa.array(plan)),
        "nickname": cat(pick([p.title() for p in PLANS], plan), " ",
                        pick(["monthly", "annual"], annual)),
        "unit_amount": cents(unit_cents), "currency": pa.array(["usd"] * 6),
        "type": pa.array(["recurring"] * 6),
        "recurring_interval": pick(["month", "year"], annual),
        "recurring_interval_count": pa.array(["1"] * 6),
        "billing_scheme": pa.array(["per_unit"] * 6),
        "active": fmt_bool(np.ones(6, bool), rng),
        "created": fmt_ts(created, rng, TS_MIX["stripe"]),
        "livemode": fmt_bool(np.ones(6, bool), rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, created, end)),
    }, 6))


def simulate_campaigns(company: Company, rng: np.random.Generator) -> None:
    """The marketing calendar: a newsletter every Tuesday 14:00 UTC (15% A/B tests), 8
    product launches of 2-3 waves, 5 nurture steps (automated, sent per contact) and 2
    ghost campaigns whose sends exist but which are missing from the campaign export.
    ``SEND_BY_TIME_ZONE_SHARE`` of them are sent by time zone (at a local business hour)."""
    window_start, end = company.window_start, company.end
    first_tuesday = (window_start + ((1 - ((window_start // DAY + 3) % 7)) % 7) * DAY
                     + 14 * HOUR)
    newsletter_at = np.arange(first_tuesday, end, 7 * DAY)
    n_launches = 8
    launch_week = np.sort(rng.choice(np.arange(4, len(newsletter_at) - 2), n_launches,
                                     replace=False))
    waves = rng.integers(2, 4, n_launches)
    wave_launch, wave = expand(waves)
    launch_at = (newsletter_at[launch_week[wave_launch]] - DAY + wave * 2 * DAY
                 + rng.integers(0, 4 * HOUR, len(wave_launch)))
    ghost_at = window_start + rng.integers(10, 120, 2) * DAY
    kind = np.concatenate([np.full(len(newsletter_at), NEWSLETTER),
                           np.full(len(wave_launch), LAUNCH), np.full(5, NURTURE),
                           [GHOST, GHOST]]).astype(np.int64)
    scheduled_at = np.concatenate([newsletter_at, launch_at, np.zeros(5, np.int64),
                                   ghost_at]).astype(np.int64)
    n = len(kind)
    is_ab_test = (kind == NEWSLETTER) & (rng.random(n) < 0.15)
    names, subjects = [], []
    n_newsletters, n_waves = len(newsletter_at), len(wave_launch)
    for i in range(n):  # a few hundred campaigns: plain python is fine here
        day = np.datetime64(int(scheduled_at[i]), "s").astype("M8[D]")
        if kind[i] == NEWSLETTER:
            names.append(f"Newsletter {day}")
            subjects.append(words.NEWSLETTER_SUBJECTS[i % len(words.NEWSLETTER_SUBJECTS)])
        elif kind[i] == LAUNCH:
            launch = int(wave_launch[i - n_newsletters])
            wave_number = int(wave[i - n_newsletters])
            names.append(f"Launch {launch + 1}: wave {wave_number + 1}")
            subjects.append(words.LAUNCH_SUBJECTS[wave_number % 3].format(
                n=LAUNCH_PRODUCTS[launch % len(LAUNCH_PRODUCTS)]))
        elif kind[i] == NURTURE:
            step = i - n_newsletters - n_waves
            names.append(f"Onboarding nurture step {step + 1}")
            subjects.append(words.NURTURE_SUBJECTS[step])
        else:
            names.append(f"Legacy promo {i}")
            subjects.append("Old promo, please ignore")
    company.campaigns = Campaigns(
        id=int_ids(4_100_000_000, 0, n, 2_713) + rng.integers(0, 2_000, n),
        kind=kind, scheduled_at=scheduled_at, is_ab_test=is_ab_test,
        name=np.array(names, dtype=object), subject=np.array(subjects, dtype=object),
        content_id=int_ids(55_000_000_000, 0, n, 977),
        in_local_time=rng.random(n) < SEND_BY_TIME_ZONE_SHARE,
        local_hour=rng.integers(LOCAL_SEND_HOURS[0], LOCAL_SEND_HOURS[1] + 1, n),
        sends=np.zeros(n, dtype=np.int64))


def write_campaigns(company: Company, rng: np.random.Generator) -> None:
    """HubSpot ``email_campaign`` with the send counts of all chunks (ghosts left out)."""
    campaigns = company.campaigns
    keep = np.flatnonzero(campaigns.kind != GHOST)
    n = len(keep)
    automated = campaigns.kind[keep] == NURTURE
    campaign_type = np.where(automated, "AUTOMATED",
                             np.where(campaigns.is_ab_test[keep], "AB", "BATCH"))
    sends = campaigns.sends[keep]
    writer = company.writer
    writer.write("hubspot/email_campaign", writer.build("hubspot/email_campaign", {
        "id": num_str(campaigns.id[keep]),
        "app_id": num_str(np.where(automated, APP_AUTOMATED, APP_BATCH)),
        "app_name": pa.array(np.where(automated, "Automated", "Batch").tolist()),
        "content_id": num_str(campaigns.content_id[keep]),
        "name": pa.array(campaigns.name[keep].tolist()),
        "subject": pa.array(campaigns.subject[keep].tolist()),
        "type": pa.array(campaign_type.tolist()), "num_included": num_str(sends),
        "num_queued": num_str(sends + rng.integers(0, 3, n)),
        "_fivetran_synced": fmt_synced(synced_micros(rng, np.full(n, company.end - DAY),
                                                     company.end)),
    }, n))
