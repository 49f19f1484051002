"""Synthetic raw exports for one B2B SaaS company ("Lumenary") over 18 months.

``generate()`` writes ``<out>/<system>/<table>.<csv|parquet>`` for every table of
``clearinghouse.raw_schema.RAW_TABLES`` (exact contract columns, all values as strings) and
the ground truth into ``<truth>``; a profile (``clearinghouse.gen_profiles``) can write the
same records in the minimal or legacy connector layouts, and ``systems`` limits the folders
written. See docs/generator.md for what is simulated and every mess injected. Work is
vectorised per chunk of accounts; chunks are seeded from ``(seed, chunk index)`` so output is
byte-identical for the same seed, scale, format, profile and systems.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from tqdm import tqdm

from clearinghouse import gen_words as W
from clearinghouse.gen_common import (
    DAY,
    HOUR,
    NULL_TS,
    TS_MIX,
    RawWriter,
    cat,
    cents,
    expand,
    fmt_bool,
    fmt_date,
    fmt_synced,
    fmt_ts,
    group_rank,
    int_ids,
    messify,
    null_where,
    num_str,
    pick,
    sf_ids,
    stripe_ids,
    where,
    zpad,
)
from clearinghouse.gen_profiles import PROFILES, make_profile, output_names, parse_systems
from clearinghouse.raw_schema import RAW_TABLES

SCALES = {"demo": 1, "small": 10, "medium": 100, "large": 1000}
ACCOUNTS_PER_UNIT = 300
CHUNK_ACCOUNTS = 2000
WINDOW_DAYS = 548  # 18 months
FATIGUE = {"window_days": 7, "knee": 2, "base": 0.002, "slope": 2.0}
LEAK_SHARE = 0.05  # unsubscribed people who keep receiving some marketing sends
PLANS = ["starter", "growth", "enterprise"]
PLAN_MONTHLY_USD = np.array([15, 40, 90])
PORTAL_ID = 4_412_345
APP_BATCH, APP_AUTOMATED = 113, 226
COMPANY_DOMAIN = "lumenary.io"
FREEMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"]

# email variant rates per system: upper, title-case, whitespace, +tag, googlemail (of gmail)
VARIANTS = {
    "salesforce": (0.03, 0.08, 0.03, 0.02, 0.25),
    "hubspot": (0.02, 0.05, 0.02, 0.06, 0.30),
    "zendesk": (0.02, 0.04, 0.04, 0.02, 0.20),
    "stripe": (0.05, 0.10, 0.05, 0.03, 0.30),
}


# ============================================================== small helpers
def _u(rng: np.random.Generator, lo, hi, n: int | None = None) -> np.ndarray:
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    if n is None:
        n = np.broadcast(lo, hi).size
    return lo + (rng.random(n) * (hi - lo)).astype(np.int64)


def _bizhours(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Move timestamps to a random time between 13:00 and 22:00 UTC on the same day."""
    return (t // DAY) * DAY + 13 * HOUR + rng.integers(0, 9 * HOUR, len(t))


def email_variant(canon: pa.Array, rng: np.random.Generator, system: str) -> pa.Array:
    """The canonical email written the way ``system`` has it (case, spaces, +tag, googlemail)."""
    upper, title, space, tag, gmail = VARIANTS[system]
    n = len(canon)
    e = canon
    r = rng.random(n)
    for i, t in enumerate(["+news", "+billing", "+work"]):
        m = (r >= i * tag / 3) & (r < (i + 1) * tag / 3)
        if m.any():
            e = where(m, pc.replace_substring(e, "@", t + "@", max_replacements=1), e)
    is_gmail = pc.ends_with(e, "@gmail.com").to_numpy(zero_copy_only=False)
    m = is_gmail & (rng.random(n) < gmail)
    e = where(m, pc.replace_substring(e, "@gmail.com", "@googlemail.com"), e)
    r = rng.random(n)
    e = where(r < upper, pc.utf8_upper(e), where(r < upper + title, pc.utf8_title(e), e))
    r = rng.random(n)
    s = space / 3
    e = where(r < s, cat(" ", e),
              where(r < 2 * s, cat(e, " "), where(r < space, cat("  ", e, " "), e)))
    return e


def company_variant(name: pa.Array, rng: np.random.Generator, style: str) -> pa.Array:
    """Company name as a billing/support system writes it: case, legal suffix, punctuation."""
    n = len(name)
    r = rng.random(n)
    base = where(r < 0.15, pc.utf8_upper(name), where(r < 0.22, pc.utf8_lower(name), name))
    suffix = pick(W.LEGAL_SUFFIX, rng.integers(0, len(W.LEGAL_SUFFIX), n))
    p_none = 0.25 if style == "stripe" else 0.35
    r = rng.random(n)
    with_sfx = where(r < 0.6, cat(base, " ", suffix), cat(base, ", ", suffix))
    return where(rng.random(n) < p_none, base, with_sfx)


def _synced_us(rng: np.random.Generator, t: np.ndarray, end: int) -> np.ndarray:
    t = np.asarray(t, dtype=np.int64)
    s = np.minimum(t + rng.integers(300, 6 * HOUR, len(t)), end - 1)
    return s * 1_000_000 + rng.integers(0, 1_000_000, len(t))


def _late(table: pa.Table, idx: np.ndarray, synced_us: np.ndarray, rng: np.random.Generator,
          changes: dict[str, pa.Array]) -> tuple[pa.Table, np.ndarray]:
    """Later versions of rows ``idx``: same id, changed columns, later ``_fivetran_synced``."""
    late = table.take(pa.array(idx))
    new_sync = synced_us[idx] + rng.integers(HOUR, 48 * HOUR, len(idx)) * 1_000_000
    changes = dict(changes, _fivetran_synced=fmt_synced(new_sync))
    for name, arr in changes.items():
        late = late.set_column(late.schema.get_field_index(name), name, arr.cast(pa.string()))
    return late, new_sync


def _cross(n_left: int, n_right: int) -> tuple[np.ndarray, np.ndarray]:
    return np.repeat(np.arange(n_left), n_right), np.tile(np.arange(n_right), n_left)


def _group_index(keys: np.ndarray, members: np.ndarray, n_groups: int):
    """Members sorted by group; returns (sorted members, start offset, count) per group."""
    order = np.argsort(keys, kind="stable")
    cnt = np.bincount(keys, minlength=n_groups)
    return members[order], np.cumsum(cnt) - cnt, cnt


def _draw(rng: np.random.Generator, groups: np.ndarray, index) -> np.ndarray:
    """One random member of each requested group (-1 when the group is empty)."""
    members, start, cnt = index
    c = cnt[groups]
    off = (rng.random(len(groups)) * np.maximum(c, 1)).astype(np.int64)
    out = np.full(len(groups), -1, dtype=np.int64)
    ok = c > 0
    out[ok] = members[start[groups[ok]] + off[ok]]
    return out


# ============================================================== globals
@dataclass
class Ctx:
    seed: int
    scale: str
    end: int  # exclusive end of the simulation (end_date + 1 day, 00:00 UTC)
    w0: int  # start of the 18-month window
    n_accounts: int
    writer: RawWriter
    truth_contacts: TruthWriter
    truth_accounts: TruthWriter
    truth_facts: pcsv.CSVWriter
    role_users: dict[str, np.ndarray] = field(default_factory=dict)
    user_ids: pa.Array | None = None
    agents_by_group: list[np.ndarray] = field(default_factory=list)
    zd_agent_ids: np.ndarray | None = None
    group_ids: np.ndarray | None = None
    price_ids: pa.Array | None = None
    camp: dict[str, np.ndarray] = field(default_factory=dict)
    camp_sends: np.ndarray | None = None
    counters: dict[str, int] = field(default_factory=dict)
    messages: int = 0

    def take(self, name: str, n: int) -> int:
        start = self.counters.get(name, 0)
        self.counters[name] = start + n
        return start


def _build_globals(ctx: Ctx, rng: np.random.Generator) -> None:
    n_acc, wr, end = ctx.n_accounts, ctx.writer, ctx.end
    t0 = ctx.w0 - 3 * 365 * DAY
    # ---- roles
    role_ids = sf_ids("00E", 0, len(W.ROLES))
    parent = [None, 0, 0, 0, 3, 0, 0, 0]
    parent_ids = pa.array([None if p is None else role_ids[p].as_py() for p in parent],
                          pa.string())
    nr = len(W.ROLES)
    role_mod = t0 + rng.integers(0, 200 * DAY, nr)
    wr.write("salesforce/user_role", wr.build("salesforce/user_role", {
        "id": role_ids, "name": pa.array(W.ROLES),
        "developer_name": pa.array([r.replace(" ", "_") for r in W.ROLES]),
        "parent_role_id": parent_ids,
        "rollup_description": pa.array(W.ROLES),
        "last_modified_date": fmt_ts(role_mod, rng, TS_MIX["salesforce"]),
        "_fivetran_synced": fmt_synced(_synced_us(rng, role_mod, end)),
    }, nr))
    # ---- users
    per_role = {
        "Director of Customer Success": max(1, math.ceil(n_acc / 240)),
        "Customer Success Manager": max(2, math.ceil(n_acc / 30)),
        "Account Manager": max(2, math.ceil(n_acc / 50)),
        "Account Executive": max(2, math.ceil(n_acc / 60)),
        "Sales Development Rep": max(1, math.ceil(n_acc / 75)),
        "Marketing Manager": max(2, math.ceil(n_acc / 150)),
        "Support Engineer": max(3, math.ceil(n_acc / 40)),
        "Billing Specialist": max(2, math.ceil(n_acc / 150)),
    }
    role_of = np.concatenate([np.full(c, W.ROLES.index(r)) for r, c in per_role.items()])
    nu = len(role_of)
    for r in per_role:
        ctx.role_users[r] = np.flatnonzero(role_of == W.ROLES.index(r))
    fn = rng.integers(0, len(W.FIRST_NAMES), nu)
    ln = rng.integers(0, len(W.LAST_NAMES), nu)
    rank = group_rank(fn, ln)
    local = cat(pick(W.FIRST_SLUGS, fn), ".", pick(W.LAST_SLUGS, ln),
                where(rank > 0, num_str(rank + 1), ""))
    email = cat(local, "@" + COMPANY_DOMAIN)
    ctx.user_ids = sf_ids("005", 0, nu)
    directors = ctx.role_users["Director of Customer Success"]
    mgr = np.full(nu, -1)
    csm = ctx.role_users["Customer Success Manager"]
    mgr[csm] = directors[rng.integers(0, len(directors), len(csm))]
    manager = null_where(ctx.user_ids.take(pa.array(np.maximum(mgr, 0))), mgr < 0)
    first, last = pick(W.FIRST_NAMES, fn), pick(W.LAST_NAMES, ln)
    created = t0 + rng.integers(0, 3 * 365 * DAY, nu)
    modified = np.minimum(created + rng.integers(0, 400 * DAY, nu), end - DAY)
    tz = pick(["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin"],
              rng.integers(0, 4, nu))
    wr.write("salesforce/user", wr.build("salesforce/user", {
        "id": ctx.user_ids, "username": cat(email, ".crm"), "email": email,
        "first_name": first, "last_name": last, "name": cat(first, " ", last),
        "title": pick(W.ROLES, role_of), "department": pick(
            ["Customer Success", "Customer Success", "Sales", "Sales", "Sales", "Marketing",
             "Support", "Finance"], role_of),
        "user_role_id": role_ids.take(pa.array(role_of)), "manager_id": manager,
        "is_active": fmt_bool(rng.random(nu) < 0.97, rng), "time_zone_sid_key": tz,
        "created_date": fmt_ts(created, rng, TS_MIX["salesforce"]),
        "last_modified_date": fmt_ts(modified, rng, TS_MIX["salesforce"]),
        "_fivetran_synced": fmt_synced(_synced_us(rng, modified, end)),
    }, nu))
    # ---- zendesk groups and agents (support engineers + billing specialists)
    gnames = ["Tier 1 Support", "Tier 2 Support", "Billing Support"]
    ctx.group_ids = int_ids(360_001_000_000, 0, 3, 7_919)
    gcreated = t0 + rng.integers(0, 30 * DAY, 3)
    wr.write("zendesk/group", wr.build("zendesk/group", {
        "id": num_str(ctx.group_ids), "name": pa.array(gnames),
        "description": pa.array(["First line: triage, how-to", "Escalations, bugs, SSO",
                                 "Invoices, charges, refunds"]),
        "is_public": fmt_bool(np.ones(3, bool), rng), "deleted": fmt_bool(np.zeros(3, bool), rng),
        "created_at": fmt_ts(gcreated, rng, TS_MIX["zendesk"]),
        "updated_at": fmt_ts(gcreated + DAY, rng, TS_MIX["zendesk"]),
        "_fivetran_deleted": fmt_bool(np.zeros(3, bool), rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, gcreated + DAY, end)),
    }, 3))
    se = ctx.role_users["Support Engineer"]
    bs = ctx.role_users["Billing Specialist"]
    agent_users = np.concatenate([se, bs])
    na = len(agent_users)
    ctx.zd_agent_ids = int_ids(361_000_000_000, 0, na, 104_729)
    tier2 = np.zeros(len(se), bool)
    tier2[: max(1, len(se) // 3)] = True
    ctx.agents_by_group = [np.flatnonzero(~tier2), np.flatnonzero(tier2),
                           np.arange(len(se), na)]
    role = np.where(np.arange(na) < 2, "admin", "agent")
    acreated = created[agent_users]
    wr.write("zendesk/user", wr.build("zendesk/user", {
        "id": num_str(ctx.zd_agent_ids), "email": email.take(pa.array(agent_users)),
        "name": cat(first, " ", last).take(pa.array(agent_users)), "role": pa.array(role),
        "time_zone": pa.array(["Eastern Time (US & Canada)"] * na),
        "iana_time_zone": pa.array(["America/New_York"] * na), "locale": pa.array(["en-US"] * na),
        "active": fmt_bool(np.ones(na, bool), rng), "suspended": fmt_bool(np.zeros(na, bool), rng),
        "verified": fmt_bool(np.ones(na, bool), rng),
        "created_at": fmt_ts(acreated, rng, TS_MIX["zendesk"]),
        "updated_at": fmt_ts(acreated + DAY, rng, TS_MIX["zendesk"]),
        "last_login_at": fmt_ts(end - rng.integers(HOUR, 5 * DAY, na), rng, TS_MIX["zendesk"]),
        "_fivetran_deleted": fmt_bool(np.zeros(na, bool), rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, acreated + DAY, end)),
    }, na))
    # ---- stripe prices (plan x interval); index = plan * 2 + annual
    ctx.price_ids = stripe_ids("price_", 0, 6)
    prod_ids = stripe_ids("prod_", 0, 3)
    plan = np.repeat(np.arange(3), 2)
    annual = np.tile([0, 1], 3)
    unit = PLAN_MONTHLY_USD[plan] * 100 * np.where(annual == 1, 10, 1)
    pcreated = t0 + rng.integers(0, 10 * DAY, 6)
    wr.write("stripe/price", wr.build("stripe/price", {
        "id": ctx.price_ids, "product_id": prod_ids.take(pa.array(plan)),
        "nickname": cat(pick([p.title() for p in PLANS], plan), " ",
                        pick(["monthly", "annual"], annual)),
        "unit_amount": cents(unit), "currency": pa.array(["usd"] * 6),
        "type": pa.array(["recurring"] * 6), "recurring_interval": pick(["month", "year"], annual),
        "recurring_interval_count": pa.array(["1"] * 6),
        "billing_scheme": pa.array(["per_unit"] * 6),
        "active": fmt_bool(np.ones(6, bool), rng),
        "created": fmt_ts(pcreated, rng, TS_MIX["stripe"]),
        "livemode": fmt_bool(np.ones(6, bool), rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, pcreated, end)),
    }, 6))
    # ---- hubspot campaigns: weekly newsletter, launch bursts, nurture steps, ghosts
    w0 = ctx.w0
    first_tue = w0 + ((1 - ((w0 // DAY + 3) % 7)) % 7) * DAY + 14 * HOUR
    nl_t = np.arange(first_tue, end, 7 * DAY)
    n_launch = 8
    launch_week = np.sort(rng.choice(np.arange(4, len(nl_t) - 2), n_launch, replace=False))
    per = rng.integers(2, 4, n_launch)
    lw, lpos = expand(per)
    launch_t = nl_t[launch_week[lw]] - DAY + lpos * 2 * DAY + rng.integers(0, 4 * HOUR, len(lw))
    ghost_t = w0 + rng.integers(10, 120, 2) * DAY
    kinds = np.concatenate([np.zeros(len(nl_t)), np.ones(len(lw)), np.full(5, 2), [3, 3]])
    times = np.concatenate([nl_t, launch_t, np.zeros(5, np.int64), ghost_t]).astype(np.int64)
    nc = len(kinds)
    ab = (kinds == 0) & (rng.random(nc) < 0.15)
    names, subjects = [], []
    for i in range(nc):  # a few hundred campaigns: plain python is fine here
        k = int(kinds[i])
        day = np.datetime64(int(times[i]), "s").astype("M8[D]")
        if k == 0:
            names.append(f"Newsletter {day}")
            subjects.append(W.NEWSLETTER_SUBJECTS[i % len(W.NEWSLETTER_SUBJECTS)])
        elif k == 1:
            n = int(lw[i - len(nl_t)])
            names.append(f"Launch {n + 1}: wave {int(lpos[i - len(nl_t)]) + 1}")
            subjects.append(W.LAUNCH_SUBJECTS[int(lpos[i - len(nl_t)]) % 3].format(
                n=["Insights", "Flows", "Spaces", "Pulse", "Atlas"][n % 5]))
        elif k == 2:
            j = i - len(nl_t) - len(lw)
            names.append(f"Onboarding nurture step {j + 1}")
            subjects.append(W.NURTURE_SUBJECTS[j])
        else:
            names.append(f"Legacy promo {i}")
            subjects.append("Old promo, please ignore")
    ctx.camp = {
        "id": int_ids(4_100_000_000, 0, nc, 2_713) + rng.integers(0, 2_000, nc),
        "kind": kinds.astype(np.int64), "t": times, "ab": ab,
        "name": np.array(names, dtype=object), "subject": np.array(subjects, dtype=object),
        "content_id": int_ids(55_000_000_000, 0, nc, 977),
    }
    ctx.camp_sends = np.zeros(nc, dtype=np.int64)


def _write_campaigns(ctx: Ctx, rng: np.random.Generator) -> None:
    c = ctx.camp
    keep = np.flatnonzero(c["kind"] != 3)  # ghost campaigns are missing from the export
    n = len(keep)
    auto = c["kind"][keep] == 2
    typ = np.where(auto, "AUTOMATED", np.where(c["ab"][keep], "AB", "BATCH"))
    sends = ctx.camp_sends[keep]
    wr = ctx.writer
    wr.write("hubspot/email_campaign", wr.build("hubspot/email_campaign", {
        "id": num_str(c["id"][keep]),
        "app_id": num_str(np.where(auto, APP_AUTOMATED, APP_BATCH)),
        "app_name": pa.array(np.where(auto, "Automated", "Batch").tolist()),
        "content_id": num_str(c["content_id"][keep]),
        "name": pa.array(c["name"][keep].tolist()),
        "subject": pa.array(c["subject"][keep].tolist()),
        "type": pa.array(typ.tolist()), "num_included": num_str(sends),
        "num_queued": num_str(sends + rng.integers(0, 3, n)),
        "_fivetran_synced": fmt_synced(_synced_us(rng, np.full(n, ctx.end - DAY), ctx.end)),
    }, n))


# ============================================================== one chunk of accounts
def _simulate_chunk(ctx: Ctx, a0: int, n: int, rng: np.random.Generator) -> None:
    end, w0, wr = ctx.end, ctx.w0, ctx.writer
    sf_mix, st_mix, hs_mix, zd_mix = (TS_MIX[s] for s in
                                      ("salesforce", "stripe", "hubspot", "zendesk"))
    # ------------------------------------------------------------ accounts
    ga = a0 + np.arange(n)
    space = len(W.CO_A) * len(W.CO_B) * len(W.CO_C) * len(W.CO_D)
    idx = (ga * 104_723 + (ctx.seed * 7_919) % space) % space
    ia, r = idx % len(W.CO_A), idx // len(W.CO_A)
    ib, r = r % len(W.CO_B), r // len(W.CO_B)
    ic, idd = r % len(W.CO_C), r // len(W.CO_C)
    co_d = [""] + [" " + d for d in W.CO_D[1:]]
    co_name = cat(pick(W.CO_A, ia), pick(W.CO_B, ib), " ", pick(W.CO_C, ic), pick(co_d, idd))
    dslug = cat(pc.utf8_lower(cat(pick(W.CO_A, ia), pick(W.CO_B, ib))), "-",
                pc.utf8_lower(pick(W.CO_C, ic)),
                pick([""] + ["-" + d.lower() for d in W.CO_D[1:]], idd))
    domain = cat(dslug, ".com")
    has_second = rng.random(n) < 0.10
    domain2 = cat(dslug, pick(W.SECOND_TLDS, rng.integers(0, len(W.SECOND_TLDS), n)))
    company_id = zpad("C", ga, 6)
    sf_acc_id = sf_ids("001", a0, n)

    plan0 = rng.choice(3, n, p=[0.5, 0.35, 0.15])
    seats0 = np.choose(plan0, [3 + rng.lognormal(2.2, 0.6, n), 10 + rng.lognormal(3.3, 0.7, n),
                               50 + rng.lognormal(4.6, 0.7, n)]).astype(np.int64)
    early = rng.random(n) < 0.3
    start = np.where(early, w0 - rng.integers(DAY, 3 * 365 * DAY, n),
                     w0 + rng.integers(0, (WINDOW_DAYS - 45) * DAY, n))
    annual = rng.random(n) < 0.3
    send_invoice = annual | (rng.random(n) < 0.4)
    eligible = start < end - 120 * DAY
    churned = eligible & (rng.random(n) < 0.13)
    c_lo = np.maximum(start + 90 * DAY, w0 + DAY)
    churn_t = np.where(churned, _u(rng, c_lo, np.maximum(c_lo + DAY, end - DAY)), NULL_TS)
    churned &= churn_t < end
    churn_t[~churned] = NULL_TS
    alive_end = np.where(churned, churn_t, end)
    cancel_t = np.where(churned, np.maximum(churn_t - rng.integers(0, 20 * DAY, n), start),
                        NULL_TS)
    up_lo = np.maximum(start, w0) + 30 * DAY
    up_hi = alive_end - 20 * DAY
    upgraded = (up_hi > up_lo) & (rng.random(n) < 0.2)
    upgrade_t = np.where(upgraded, _u(rng, up_lo, np.maximum(up_hi, up_lo + 1)), NULL_TS)
    plan_up = upgraded & (plan0 < 2) & (rng.random(n) < 0.5)
    plan1 = np.where(plan_up, plan0 + 1, plan0)
    seats1 = np.where(upgraded & ~plan_up, (seats0 * (1.15 + rng.random(n) * 0.85)).astype(
        np.int64) + 1, seats0)
    country = rng.choice(len(W.COUNTRIES), n, p=[c[2] for c in W.COUNTRIES])
    country_code = pick([c[0] for c in W.COUNTRIES], country)
    country_name = pick([c[1] for c in W.COUNTRIES], country)
    city_flat = [city for c in W.COUNTRIES for city in c[3]]
    city_off = np.cumsum([0] + [len(c[3]) for c in W.COUNTRIES])[:-1]
    city_cnt = np.array([len(c[3]) for c in W.COUNTRIES])
    city = pick(city_flat, city_off[country] + (rng.random(n) * city_cnt[country]).astype(int))
    industry = rng.integers(0, len(W.INDUSTRIES), n)
    employees = (seats0 * (1.5 + rng.random(n) * 10)).astype(np.int64) + 5
    ru = ctx.role_users
    csm = ru["Customer Success Manager"][rng.integers(0, len(ru["Customer Success Manager"]), n)]
    am = ru["Account Manager"][rng.integers(0, len(ru["Account Manager"]), n)]
    ae = ru["Account Executive"][rng.integers(0, len(ru["Account Executive"]), n)]
    owner = np.choose(rng.choice(3, n, p=[0.55, 0.3, 0.15]), [csm, am, ae])
    uid = ctx.user_ids

    # ------------------------------------------------------------ people
    k = np.clip(np.rint(rng.lognormal(math.log(8.6), 0.6, n)), 1, 40).astype(np.int64)
    pacc, ppos = expand(k)
    npp = len(pacc)
    p0 = ctx.take("person", npp)
    gp = p0 + np.arange(npp)
    person_id = zpad("P", gp, 8)
    pcat = rng.choice(4, npp, p=[0.12, 0.18, 0.62, 0.08])
    pcat[ppos == 0] = 3  # first person of each account is its billing contact
    is_billing = ppos == 0
    tflat = [t for c in W.TITLE_CATS for t in W.TITLES[c]]
    toff = np.cumsum([0] + [len(W.TITLES[c]) for c in W.TITLE_CATS])[:-1]
    tcnt = np.array([len(W.TITLES[c]) for c in W.TITLE_CATS])
    title_i = toff[pcat] + (rng.random(npp) * tcnt[pcat]).astype(np.int64)
    fn = rng.integers(0, len(W.FIRST_NAMES), npp)
    ln = rng.integers(0, len(W.LAST_NAMES), npp)
    freemail = rng.random(npp) < 0.08
    second = has_second[pacc] & ~freemail & (rng.random(npp) < 0.3)
    rank = group_rank(pacc, fn, ln)
    fs, ls = pick(W.FIRST_SLUGS, fn), pick(W.LAST_SLUGS, ln)
    corp_local = cat(fs, ".", ls, where(rank > 0, num_str(rank + 1), ""))
    free_local = cat(fs, ".", ls, num_str(gp))
    fdom = pick(FREEMAIL, rng.choice(4, npp, p=[0.5, 0.2, 0.2, 0.1]))
    pdom = where(freemail, fdom, where(second, domain2.take(pa.array(pacc)),
                                       domain.take(pa.array(pacc))))
    canon = cat(where(freemail, free_local, corp_local), "@", pdom)
    first, last = pick(W.FIRST_NAMES, fn), pick(W.LAST_NAMES, ln)
    pstart = np.maximum(start[pacc], w0 - 400 * DAY)
    life = np.maximum(alive_end[pacc] - pstart, DAY)
    pcreated = pstart + np.where(rng.random(npp) < 0.6, rng.integers(0, 30 * DAY, npp),
                                 (rng.random(npp) * life).astype(np.int64))
    pcreated = np.minimum(pcreated, alive_end[pacc] - HOUR)
    in_sf = (rng.random(npp) < 0.9) | is_billing
    in_hs = rng.random(npp) < 0.85
    in_zd = rng.random(npp) < np.array([0.12, 0.6, 0.35, 0.3])[pcat]
    act_lo = np.maximum(pcreated, w0)  # person's active window for 1:1 outreach
    act_hi = alive_end[pacc]

    # SF contact ids (primary) and duplicates
    sf_p = np.flatnonzero(in_sf)
    sf_id_of = np.full(npp, -1)
    sf_id_of[sf_p] = np.arange(len(sf_p))
    c0 = ctx.take("sf_contact", len(sf_p))
    sf_contact_ids = sf_ids("003", c0, len(sf_p))
    dup_p = sf_p[rng.random(len(sf_p)) < 0.03]
    dup_ids = sf_ids("003", ctx.take("sf_contact", len(dup_p)), len(dup_p))
    dup_of = np.full(npp, -1)
    dup_of[dup_p] = np.arange(len(dup_p))

    key_p = np.flatnonzero(in_sf & ((pcat == 0) | (pcat == 1)))
    key_index = _group_index(pacc[key_p], key_p, n)
    all_index = _group_index(pacc[sf_p], sf_p, n)
    billing_p = np.flatnonzero(is_billing)  # one per account, in account order

    def pick_contact(accs: np.ndarray, key: bool = True) -> np.ndarray:
        p = _draw(rng, accs, key_index) if key else np.full(len(accs), -1)
        miss = p < 0
        p[miss] = _draw(rng, accs[miss], all_index)
        return p

    # ------------------------------------------------------------ stripe invoices
    mper = np.where(annual, 12, 1)
    smonth = start.astype("M8[s]").astype("M8[M]")
    srem = start - smonth.astype("M8[s]").astype(np.int64)
    lim = np.minimum(alive_end, end)
    kmin = np.maximum(0, (w0 - start) // (31 * DAY * mper))
    kmax = (lim - start) // (28 * DAY * mper) + 2
    ncand = np.maximum(kmax - kmin, 0)
    iacc, ipos = expand(ncand)
    kk = kmin[iacc] + ipos
    ps = (smonth[iacc] + (kk * mper[iacc]).astype("m8[M]")).astype("M8[s]").astype(
        np.int64) + srem[iacc]
    pe = (smonth[iacc] + ((kk + 1) * mper[iacc]).astype("m8[M]")).astype("M8[s]").astype(
        np.int64) + srem[iacc]
    okp = (ps >= np.maximum(w0, start[iacc])) & (ps < lim[iacc])
    iacc, kk, ps, pe = iacc[okp], kk[okp], ps[okp], pe[okp]
    ni = len(iacc)
    after_up = upgraded[iacc] & (ps >= upgrade_t[iacc])
    iplan = np.where(after_up, plan1[iacc], plan0[iacc])
    iseats = np.where(after_up, seats1[iacc], seats0[iacc])
    unit = PLAN_MONTHLY_USD[iplan] * 100 * np.where(annual[iacc], 10, 1)
    total = unit * iseats
    icreated = ps + rng.integers(60, 2 * HOUR, ni)
    isend = send_invoice[iacc]
    due = np.where(isend, icreated + 30 * DAY, NULL_TS)
    amb = (due >= end - DAY) & (due < end)  # keep due dates off the end_date itself
    due[amb] -= DAY
    last_of_acc = np.r_[iacc[1:] != iacc[:-1], True] if ni else np.zeros(0, bool)
    # status
    status = np.full(ni, "paid", dtype=object)
    r = rng.random(ni)
    old = icreated < end - 45 * DAY
    status[old & (r < 0.015)] = "void"
    uncoll = old & ~isend & (r >= 0.015) & (r < 0.025)
    status[uncoll] = "uncollectible"
    status[churned[iacc] & last_of_acc & (rng.random(ni) < 0.2)] = "uncollectible"
    paid_t = np.where(isend, icreated + rng.integers(DAY, 28 * DAY, ni),
                      icreated + rng.integers(60, HOUR, ni))
    status[(status == "paid") & (paid_t >= end)] = "open"
    past_due_acc = ~churned & send_invoice & (rng.random(n) < 0.09)
    due_before = (due != NULL_TS) & (due < end)
    # latest invoice already due of each past-due account -> open (and sometimes the one before)
    dpos = np.where(due_before & past_due_acc[iacc], np.arange(ni), -1)
    last_due = np.full(n, -1)
    np.maximum.at(last_due, iacc, dpos)
    sel = last_due[last_due >= 0]
    status[sel] = "open"
    prev = sel - 1
    prev = prev[(prev >= 0) & (rng.random(len(prev)) < 0.3)]
    prev = prev[iacc[prev] == iacc[prev + 1]]
    status[prev] = "open"
    draft = last_of_acc & (icreated >= end - 2 * DAY) & (rng.random(ni) < 0.5)
    status[draft] = "draft"
    is_open = status == "open"
    pastdue_inv = is_open & due_before
    has_past_due = np.bincount(iacc[pastdue_inv], minlength=n) > 0
    paid = status == "paid"
    inv_ids = stripe_ids("in_", ctx.take("invoice", ni), ni)
    # charges: success for paid; failed attempts before some paid / all uncollectible
    fail_n = np.where(status == "uncollectible", rng.integers(2, 5, ni),
                      np.where(paid & ~isend & (rng.random(ni) < 0.04), 1, 0))
    succ = paid.astype(np.int64)
    ch_inv, ch_pos = expand(fail_n + succ)
    ch_ok = (ch_pos == fail_n[ch_inv]) & paid[ch_inv]
    ch_t = np.where(ch_ok, paid_t[ch_inv] + fail_n[ch_inv] * 2 * DAY,
                    icreated[ch_inv] + ch_pos * 3 * DAY + rng.integers(60, HOUR, len(ch_inv)))
    ch_t = np.minimum(ch_t, end - 60)
    attempts = fail_n + succ

    # ------------------------------------------------------------ tasks
    life_lo = np.maximum(start, w0)
    parts = []  # (acc, person, t, owner, subtype, kind, what_is_opp_index)

    def add(acc, person, t, owner_u, subtype, kind, opp=None):
        ok = (t >= w0) & (t < end) & (t < alive_end[acc]) & (person >= 0)
        if opp is None:
            opp = np.full(len(acc), -1)
        sub = np.broadcast_to(np.asarray(subtype, dtype=np.int64), acc.shape)
        parts.append((acc[ok], person[ok], t[ok], owner_u[ok], sub[ok],
                      np.full(ok.sum(), kind), opp[ok]))

    # CSM check-ins every ~35-50 days
    period = rng.integers(35, 50, n) * DAY
    nchk = np.maximum((alive_end - life_lo) // period, 0)
    ca, cp = expand(nchk)
    ct = _bizhours(rng, life_lo[ca] + ((cp + 0.2 + 0.6 * rng.random(len(ca))) * period[ca])
                   .astype(np.int64))
    add(ca, pick_contact(ca), ct, csm[ca], np.where(rng.random(len(ca)) < 0.8, 0, 1), 0)
    # QBR sequences: enterprise + half of growth, quarterly: 3 emails + a meeting
    qbr_acc = (plan0 == 2) | ((plan0 == 1) & (rng.random(n) < 0.5))
    nq = np.where(qbr_acc, np.maximum((alive_end - life_lo) // (91 * DAY), 0), 0)
    qa, qp = expand(nq)
    qt = life_lo[qa] + qp * 91 * DAY + rng.integers(20, 60, len(qa)) * DAY
    qperson = pick_contact(qa)
    for off, sub in ((0, 0), (3, 0), (7, 0), (10, 2)):
        add(qa, qperson, _bizhours(rng, qt + off * DAY), csm[qa], np.full(len(qa), sub), 1)
    # renewals (anniversaries) -> AM pushes 90/60/30 days before: 3 emails + 1 call each
    yr = 365 * DAY
    kr0 = np.maximum(1, -((start - w0) // yr))
    kr1 = (np.minimum(alive_end, end) + 95 * DAY - start) // yr
    nren = np.maximum(kr1 - kr0 + 1, 0)
    ra, rp = expand(nren)
    rdate = start[ra] + (kr0[ra] + rp) * yr
    okr = (rdate > w0) & (rdate - 90 * DAY < np.minimum(alive_end[ra], end))
    ra, rdate = ra[okr], rdate[okr]
    nopp_ren = len(ra)
    rperson = pick_contact(ra)
    ren_opp = np.arange(nopp_ren)
    for before in (90, 60, 30):
        for off, sub in ((0, 0), (4, 0), (8, 1), (12, 0)):
            t = _bizhours(rng, rdate - before * DAY + off * DAY)
            add(ra, rperson, t, am[ra], np.full(len(ra), sub), 2, ren_opp)
    # sales upsell sequences: AE, 25% of accounts, two contacts, 4 emails + 1 call each
    up_acc = np.flatnonzero((alive_end - life_lo > 60 * DAY) & (rng.random(n) < 0.25))
    ut = _u(rng, life_lo[up_acc] + 30 * DAY, alive_end[up_acc] - 20 * DAY)
    up_opp = nopp_ren + np.arange(len(up_acc))
    for key in (True, False):
        up_person = pick_contact(up_acc, key)
        for off, sub in ((0, 0), (3, 0), (6, 1), (9, 0), (13, 0)):
            add(up_acc, up_person, _bizhours(rng, ut + off * DAY), ae[up_acc],
                np.full(len(up_acc), sub), 3, up_opp)
    # billing reminders for past-due / failed invoices
    bill_inv = np.flatnonzero(pastdue_inv | (status == "uncollectible"))
    bsp = ru["Billing Specialist"]
    b_owner = bsp[rng.integers(0, len(bsp), len(bill_inv))]
    b_base = np.where(due[bill_inv] != NULL_TS, due[bill_inv], icreated[bill_inv] + 7 * DAY)
    for off, sub in ((3, 0), (10, 0), (17, 1)):
        add(iacc[bill_inv], billing_p[iacc[bill_inv]], _bizhours(rng, b_base + off * DAY),
            b_owner, np.full(len(bill_inv), sub), 4)
    # marketing-owned tasks (a few) and non-message tasks
    mk_p = sf_p[rng.random(len(sf_p)) < 0.02]
    mmu = ru["Marketing Manager"]
    add(pacc[mk_p], mk_p, _bizhours(rng, _u(rng, act_lo[mk_p], act_hi[mk_p])),
        mmu[rng.integers(0, len(mmu), len(mk_p))], np.zeros(len(mk_p), np.int64), 5)
    oa = np.repeat(np.arange(n), 2)
    add(oa, pick_contact(oa, False), _bizhours(rng, _u(rng, life_lo[oa], alive_end[oa])),
        owner[oa], np.full(len(oa), 3), 6)
    t_acc, t_person, t_time, t_owner, t_sub, t_kind, t_opp = (np.concatenate(x) for x in
                                                               zip(*parts, strict=True))
    nt = len(t_acc)
    r = rng.random(nt)
    t_status = np.where(r < 0.93, 0, np.where(r < 0.97, 1, 2))  # Completed/Not Started/In Prog
    t_status[t_time > end - 2 * DAY] = 1
    t_msg = (t_status == 0) & (t_sub <= 1)

    # ------------------------------------------------------------ zendesk tickets
    zd_p = np.flatnonzero(in_zd)
    nzu = len(zd_p)
    has_t = (rng.random(nzu) < 0.9) & (act_hi[zd_p] > act_lo[zd_p] + DAY)
    ntk = np.where(has_t, 1 + rng.poisson(0.8, nzu), 0)
    tk_u, _ = expand(ntk)
    tk_p = zd_p[tk_u]
    ntk_all = len(tk_p)
    tk_t = _u(rng, act_lo[tk_p], act_hi[tk_p])
    tk_t = (tk_t // 60) * 60
    tk_group = rng.choice(3, ntk_all, p=[0.65, 0.22, 0.13])
    tk_group[is_billing[tk_p] & (rng.random(ntk_all) < 0.5)] = 2
    gsize = np.array([len(a) for a in ctx.agents_by_group])
    agent_local = np.concatenate(ctx.agents_by_group)
    goff = np.cumsum(gsize) - gsize
    tk_agent = agent_local[goff[tk_group] + (rng.random(ntk_all) * gsize[tk_group]).astype(int)]
    age = end - tk_t
    r = rng.random(ntk_all)
    tk_status = np.where(age < 3 * DAY, np.where(r < 0.4, 0, np.where(r < 0.8, 1, 2)),
                         np.where(age < 14 * DAY, np.where(r < 0.3, 1, np.where(r < 0.5, 2, 3)),
                                  np.where(r < 0.35, 3, 4)))
    unassigned = (tk_status == 0) & (rng.random(ntk_all) < 0.5)
    n_agent = np.where(tk_status == 0, 0, np.where(tk_status == 1, rng.poisson(0.7, ntk_all),
                                                    1 + rng.poisson(1.0, ntk_all)))
    n_req = rng.poisson(0.6, ntk_all) * (n_agent > 0)
    n_priv = (rng.random(ntk_all) < 0.3).astype(np.int64) * (n_agent > 0)
    ncom = 1 + n_agent + n_req + n_priv
    cm_tk, cm_pos = expand(ncom)
    ncm = len(cm_tk)
    # comment kind: 0 requester, 1 agent public, 2 private note
    rel = cm_pos - 1
    cm_kind = np.where(cm_pos == 0, 0, np.where(rel < n_agent[cm_tk], 1,
                       np.where(rel < n_agent[cm_tk] + n_req[cm_tk], 0, 2)))
    span = np.minimum(age[cm_tk] - 60, rng.integers(2 * HOUR, 6 * DAY, ntk_all)[cm_tk])
    cm_t = tk_t[cm_tk] + np.where(cm_pos == 0, 0, 60 + (rng.random(ncm) * np.maximum(span, 1))
                                   .astype(np.int64))
    corder = np.lexsort((cm_t, cm_tk))
    cm_tk, cm_kind, cm_t = cm_tk[corder], cm_kind[corder], cm_t[corder]
    # first comment is always the requester's
    firsts = np.r_[True, cm_tk[1:] != cm_tk[:-1]] if ncm else np.zeros(0, bool)
    swap = firsts & (cm_kind != 0)
    cm_kind[swap] = 0
    tk_updated = np.full(ntk_all, 0, np.int64)
    np.maximum.at(tk_updated, cm_tk, cm_t)
    cm_msg = cm_kind == 1

    # ------------------------------------------------------------ marketing candidate sends
    hs_p = np.flatnonzero(in_hs)
    nhs = len(hs_p)
    hs_created = pcreated[hs_p] - np.where(rng.random(nhs) < 0.5,
                                           rng.integers(0, 90 * DAY, nhs), 0)
    m_lo = np.maximum(hs_created, w0)
    m_hi = np.minimum(alive_end[pacc[hs_p]] + 30 * DAY, end)
    camp = ctx.camp
    bc = np.flatnonzero(camp["kind"] != 2)
    subscriber = rng.random(nhs) < np.array([0.15, 0.3, 0.25, 0.2])[pcat[hs_p]]
    ci, cj = _cross(nhs, len(bc))
    ckind = camp["kind"][bc][cj]
    member = np.where(ckind == 0, subscriber[ci], rng.random(len(ci)) <
                      np.where(ckind == 1, 0.5, 0.12))
    st = camp["t"][bc][cj]
    ok = member & (st >= m_lo[ci]) & (st < m_hi[ci])
    b_h, b_c = ci[ok], bc[cj[ok]]
    b_t = st[ok] + rng.integers(0, 2 * HOUR, ok.sum())
    nur = np.flatnonzero((hs_created >= w0) & (rng.random(nhs) < 0.6))
    nc_ids = np.flatnonzero(camp["kind"] == 2)
    nh, nstep = _cross(len(nur), 5)
    n_h = nur[nh]
    n_t = hs_created[n_h] + np.array([1, 3, 7, 12, 20])[nstep] * DAY + rng.integers(
        0, 4 * HOUR, len(nh))
    okn = (n_t < end) & (n_t < m_hi[n_h])
    s_h = np.concatenate([b_h, n_h[okn]])
    s_c = np.concatenate([b_c, nc_ids[nstep[okn]]])
    s_t = np.concatenate([b_t, n_t[okn]])
    s_p = hs_p[s_h]

    # ------------------------------------------------------------ fatigue -> unsubscribes
    inv_msg = status != "draft"
    o_p = np.concatenate([t_person[t_msg], tk_p[cm_tk[cm_msg]], billing_p[iacc[inv_msg]]])
    o_t = np.concatenate([t_time[t_msg], cm_t[cm_msg], icreated[inv_msg]])
    base_t = w0 - 10 * DAY
    keys = np.sort(np.concatenate([s_p, o_p]).astype(np.int64) * (1 << 32)
                   + (np.concatenate([s_t, o_t]) - base_t), kind="stable")
    sk = s_p.astype(np.int64) * (1 << 32) + (s_t - base_t)
    win = FATIGUE["window_days"] * DAY
    n7 = np.searchsorted(keys, sk, "left") - np.searchsorted(keys, sk - win, "left")
    p_uns = FATIGUE["base"] * np.where(n7 <= FATIGUE["knee"], 1.0,
                                       1 + FATIGUE["slope"] * (n7 - FATIGUE["knee"]))
    trig = np.flatnonzero(rng.random(len(s_p)) < p_uns)
    trig = trig[np.lexsort((s_t[trig], s_p[trig]))]
    first_trig = trig[np.r_[True, s_p[trig][1:] != s_p[trig][:-1]]] if len(trig) else trig
    delay = np.minimum(120 + rng.exponential(4 * HOUR, len(first_trig)).astype(np.int64),
                       3 * DAY)
    uns_t_of = np.full(npp, NULL_TS)
    uns_t_of[s_p[first_trig]] = np.minimum(s_t[first_trig] + delay, end - 1)
    leak = np.zeros(npp, bool)
    leak[s_p[first_trig]] = rng.random(len(first_trig)) < LEAK_SHARE
    ut_s = uns_t_of[s_p]
    keep = (ut_s == NULL_TS) | (s_t <= ut_s) | (leak[s_p] & (rng.random(len(s_p)) < 0.4))
    cause = np.zeros(len(s_p), bool)
    cause[first_trig] = True
    s_h, s_c, s_t, s_p, cause = s_h[keep], s_c[keep], s_t[keep], s_p[keep], cause[keep]
    so = np.lexsort((s_p, s_t))
    s_h, s_c, s_t, s_p, cause = s_h[so], s_c[so], s_t[so], s_p[so], cause[so]
    ns = len(s_p)
    np.add.at(ctx.camp_sends, s_c, 1)
    unsub = uns_t_of != NULL_TS
    sf_optout = unsub & (rng.random(npp) < 0.5)
    ctx.messages += ns + int(t_msg.sum()) + int(cm_msg.sum()) + int(inv_msg.sum())

    # ============================================================ write: salesforce
    # accounts
    website = cat(pick(["https://www.", "http://", "www.", "", "https://"],
                       rng.integers(0, 5, n)), domain, pick(["", "/", ""], rng.integers(0, 3, n)))
    acc_created = start - rng.integers(DAY, 60 * DAY, n)
    acc_mod = np.minimum(np.maximum(acc_created + rng.integers(0, 500 * DAY, n),
                                    np.where(churned, churn_t, 0)), end - HOUR)
    acc_sync = _synced_us(rng, acc_mod, end)
    acc_deleted = rng.random(n) < 0.003
    desc = pick(['Long-time customer, "power users" in ops', "Prospect from webinar, interested "
                 "in SSO, audit logs", "Expansion candidate; café chain, 40 sites", ""],
                rng.integers(0, 4, n))
    tbl = wr.build("salesforce/account", {
        "id": sf_acc_id, "name": co_name, "website": website,
        "industry": pick(W.INDUSTRIES, industry),
        "type": pick(["Customer", "Customer - Churned"], churned.astype(int)),
        "number_of_employees": num_str(employees),
        "annual_revenue": num_str(employees * rng.integers(80, 300, n) * 1000),
        "billing_street": cat(num_str(rng.integers(1, 999, n)), " ",
                              pick(["Main St", "Market Street", "Rue de la Paix", "Hauptstraße",
                                    "Keizersgracht"], rng.integers(0, 5, n))),
        "billing_city": city, "billing_postal_code": num_str(rng.integers(10000, 99999, n)),
        "billing_country": country_name, "phone": cat("+1 555 ", num_str(rng.integers(
            1000000, 9999999, n))),
        "owner_id": uid.take(pa.array(owner)), "description": null_where(desc, rng.random(n) < 0.5),
        "created_date": fmt_ts(acc_created, rng, sf_mix),
        "last_modified_date": fmt_ts(acc_mod, rng, sf_mix),
        "is_deleted": fmt_bool(acc_deleted, rng), "_fivetran_synced": fmt_synced(acc_sync),
    }, n)
    wr.write("salesforce/account", messify(tbl, rng, acc_created))

    # contacts (primary + duplicates + late versions)
    ns_ = len(sf_p)
    nd = len(dup_p)
    rows_p = np.concatenate([sf_p, dup_p])
    nrow = ns_ + nd
    is_dup = np.r_[np.zeros(ns_, bool), np.ones(nd, bool)]
    c_email = email_variant(canon.take(pa.array(rows_p)), rng, "salesforce")
    c_email = null_where(c_email, is_dup & (rng.random(nrow) < 0.5))
    c_acc = sf_acc_id.take(pa.array(pacc[rows_p]))
    c_acc = null_where(c_acc, ~is_billing[rows_p] & ~is_dup & (rng.random(nrow) < 0.02))
    c_first = first.take(pa.array(rows_p))
    c_last = last.take(pa.array(rows_p))
    rc = rng.random(nrow)
    c_last = where(is_dup & (rc < 0.3), pc.utf8_upper(c_last), c_last)
    c_first = where(is_dup & (rc > 0.8), pc.utf8_lower(c_first), c_first)
    c_created = np.where(is_dup, pcreated[rows_p] + rng.integers(DAY, 200 * DAY, nrow),
                         pcreated[rows_p])
    c_created = np.minimum(c_created, end - HOUR)
    c_opt = sf_optout[rows_p] & ~is_dup
    c_mod = np.maximum(c_created, np.where(c_opt, uns_t_of[rows_p], 0))
    c_mod = np.minimum(c_mod + rng.integers(0, 30 * DAY, nrow), end - HOUR)
    c_sync = _synced_us(rng, c_mod, end)
    c_deleted = ~is_billing[rows_p] & (rng.random(nrow) < 0.01)
    c_title = pick(tflat, title_i[rows_p])
    c_ids = pa.concat_arrays([sf_contact_ids, dup_ids])
    ccountry = country_name.take(pa.array(pacc[rows_p]))
    tbl = wr.build("salesforce/contact", {
        "id": c_ids, "account_id": c_acc, "email": c_email, "first_name": c_first,
        "last_name": c_last, "name": cat(c_first, " ", c_last), "title": c_title,
        "department": pick([W.DEPARTMENTS[c] for c in W.TITLE_CATS], pcat[rows_p]),
        "phone": null_where(cat("+1 555 ", num_str(rng.integers(1000000, 9999999, nrow))),
                            rng.random(nrow) < 0.4),
        "owner_id": uid.take(pa.array(owner[pacc[rows_p]])),
        "has_opted_out_of_email": fmt_bool(c_opt, rng),
        "do_not_call": fmt_bool(rng.random(nrow) < 0.02, rng),
        "mailing_city": city.take(pa.array(pacc[rows_p])), "mailing_country": ccountry,
        "lead_source": pick(["Web", "Webinar", "Partner Referral", "Trade Show", "Outbound"],
                            rng.integers(0, 5, nrow)),
        "created_date": fmt_ts(c_created, rng, sf_mix),
        "last_modified_date": fmt_ts(c_mod, rng, sf_mix),
        "is_deleted": fmt_bool(c_deleted, rng), "_fivetran_synced": fmt_synced(c_sync),
    }, nrow)
    li = np.flatnonzero(rng.random(nrow) < 0.01)
    new_title = pick(tflat, rng.integers(0, len(tflat), len(li)))
    late_mod = np.minimum(c_mod[li] + rng.integers(DAY, 20 * DAY, len(li)), end - 60)
    late, _ = _late(tbl, li, c_sync, rng, {"title": new_title,
                                          "last_modified_date": fmt_ts(late_mod, rng, sf_mix)})
    wr.write("salesforce/contact", messify(tbl, rng, c_created, late))
    truth_rows(ctx.truth_contacts, "salesforce", "contact", c_ids, person_id.take(
        pa.array(rows_p)))

    # opportunities: renewals, upsells, new business
    ren_closed = rdate < end
    ren_lost = churned[ra] & (rdate >= churn_t[ra] - 100 * DAY)
    ren_stage = np.where(~ren_closed, np.where(rng.random(nopp_ren) < 0.5, 3, 4),
                         np.where(ren_lost, 1, 0))
    up_won = upgraded[up_acc] & (upgrade_t[up_acc] > ut)
    up_close = ut + 30 * DAY
    up_stage = np.where(up_won, 0, np.where(up_close < end, 1, 2))
    nb = np.flatnonzero(start >= w0)
    o_acc = np.concatenate([ra, up_acc, nb])
    o_type = np.concatenate([np.zeros(nopp_ren, int), np.ones(len(up_acc), int),
                             np.full(len(nb), 2)])
    o_stage = np.concatenate([ren_stage, up_stage, np.zeros(len(nb), int)])
    o_close = np.concatenate([rdate, up_close, start[nb]])
    o_created = np.concatenate([rdate - 100 * DAY, ut - DAY, start[nb] - 30 * DAY])
    o_owner = np.concatenate([am[ra], ae[up_acc], ae[nb]])
    no = len(o_acc)
    o_amount = seats1[o_acc] * PLAN_MONTHLY_USD[plan1[o_acc]] * 12
    opp_ids = sf_ids("006", ctx.take("opp", no), no)
    stages = ["Closed Won", "Closed Lost", "Prospecting", "Negotiation/Review",
              "Proposal/Price Quote"]
    o_closed = o_stage <= 1
    o_mod = np.minimum(np.where(o_closed, o_close, o_created + 5 * DAY), end - HOUR)
    o_sync = _synced_us(rng, o_mod, end)
    tbl = wr.build("salesforce/opportunity", {
        "id": opp_ids, "account_id": sf_acc_id.take(pa.array(o_acc)),
        "owner_id": uid.take(pa.array(o_owner)),
        "name": cat(co_name.take(pa.array(o_acc)), " - ",
                    pick(["Renewal", "Upsell", "New Business"], o_type)),
        "type": pick(["Renewal", "Existing Business", "New Business"], o_type),
        "stage_name": pick(stages, o_stage), "amount": num_str(o_amount),
        "probability": pick(["100", "0", "10", "80", "60"], o_stage),
        "close_date": fmt_date(o_close), "is_closed": fmt_bool(o_closed, rng),
        "is_won": fmt_bool(o_stage == 0, rng),
        "lead_source": pick(["Web", "Outbound", "Partner Referral"], rng.integers(0, 3, no)),
        "forecast_category": pick(["Closed", "Omitted", "Pipeline", "Commit", "Best Case"],
                                  o_stage),
        "created_date": fmt_ts(o_created, rng, sf_mix),
        "last_modified_date": fmt_ts(o_mod, rng, sf_mix),
        "is_deleted": fmt_bool(rng.random(no) < 0.005, rng), "_fivetran_synced": fmt_synced(
            o_sync),
    }, no)
    wr.write("salesforce/opportunity", messify(tbl, rng, o_created))

    # tasks
    opp_ix = np.where(np.isin(t_kind, [2, 3]) & (t_opp >= 0), t_opp, -1)
    what_opp = opp_ix >= 0
    what = where(what_opp, opp_ids.take(pa.array(np.maximum(opp_ix, 0))),
                 sf_acc_id.take(pa.array(t_acc)))
    tp = np.maximum(t_person, 0)
    use_dup = (dup_of[tp] >= 0) & (rng.random(nt) < 0.25)
    who = where(use_dup, dup_ids.take(pa.array(np.maximum(dup_of[tp], 0))),
                sf_contact_ids.take(pa.array(sf_id_of[tp])))
    broken = rng.random(nt) < 0.01
    ghost_ids = sf_ids("003", 50_000_000 + ctx.take("ghost_contact", nt), nt)
    who = where(broken, ghost_ids, who)
    who = null_where(who, (t_kind == 6) & (rng.random(nt) < 0.5))
    t_ids = sf_ids("00T", ctx.take("task", nt), nt)
    completed = t_status == 0
    subj_keys = ["checkin", "qbr", "renewal", "upsell", "billing", "marketing", "other"]
    subj_flat = [s for kx in subj_keys for s in W.TASK_SUBJECTS[kx]]
    s_off = np.cumsum([0] + [len(W.TASK_SUBJECTS[kx]) for kx in subj_keys])[:-1]
    s_cnt = np.array([len(W.TASK_SUBJECTS[kx]) for kx in subj_keys])
    subj_i = s_off[t_kind] + (rng.random(nt) * s_cnt[t_kind]).astype(int)
    subject = pick(subj_flat, subj_i)
    meet_subj = pick(W.TASK_SUBJECTS["meeting"], rng.integers(0, 3, nt))
    subject = where(t_sub == 2, meet_subj, subject)
    subject = where(t_sub == 1, cat("Call: ", subject), subject)
    is_call = t_sub == 1
    t_created = t_time - rng.integers(0, 3 * DAY, nt)
    t_mod = np.minimum(t_time + rng.integers(0, 2 * DAY, nt), end - 60)
    t_sync = _synced_us(rng, t_mod, end)
    tbl = wr.build("salesforce/task", {
        "id": t_ids, "who_id": who, "what_id": what, "account_id": sf_acc_id.take(pa.array(
            t_acc)),
        "owner_id": uid.take(pa.array(t_owner)), "subject": subject,
        "type": pick(["Email", "Call", "Meeting", "Other"], t_sub),
        "task_subtype": pick(["Email", "Call", "Task", "Task"], t_sub),
        "status": pick(["Completed", "Not Started", "In Progress"], t_status),
        "priority": pick(["Normal", "High"], (rng.random(nt) < 0.15).astype(int)),
        "activity_date": fmt_date(t_time),
        "completed_date_time": fmt_ts(np.where(completed, t_time, NULL_TS), rng, sf_mix),
        "call_type": null_where(pa.array(["Outbound"] * nt), ~is_call),
        "call_duration_in_seconds": null_where(num_str(rng.integers(30, 1800, nt)), ~is_call),
        "description": null_where(pick(["Left voicemail, will follow up", 'Sent deck "Q3 review"',
                                        "Discussed seats, pricing, and timeline",
                                        "Résumé envoyé au client"], rng.integers(0, 4, nt)),
                                  rng.random(nt) < 0.6),
        "created_date": fmt_ts(t_created, rng, sf_mix),
        "last_modified_date": fmt_ts(t_mod, rng, sf_mix),
        "is_deleted": fmt_bool(rng.random(nt) < 0.01, rng), "_fivetran_synced": fmt_synced(t_sync),
    }, nt)
    wr.write("salesforce/task", messify(tbl, rng, t_created))

    # ============================================================ stripe
    bp = billing_p
    cus_ids = stripe_ids("cus_", ctx.take("customer", n), n)
    cus_email = email_variant(canon.take(pa.array(bp)), rng, "stripe")
    cus_name = company_variant(co_name, rng, "stripe")
    cus_created = start - rng.integers(HOUR, 20 * DAY, n)
    meta = where(rng.random(n) < 0.7, cat('{"salesforce_account_id": "', sf_acc_id, '"}'), "{}")
    # ~1.5% of accounts also have an old, deleted customer record
    dl = np.flatnonzero(rng.random(n) < 0.015)
    nd2 = len(dl)
    all_cus = pa.concat_arrays([cus_ids, stripe_ids("cus_", ctx.take("customer", nd2), nd2)])
    cacc = np.concatenate([np.arange(n), dl])
    ncus = n + nd2
    cemail = pa.concat_arrays([cus_email, email_variant(canon.take(pa.array(bp[dl])), rng,
                                                        "stripe")])
    ccreated = np.concatenate([cus_created, cus_created[dl] - rng.integers(DAY, 90 * DAY, nd2)])
    cdel = np.r_[np.zeros(n, bool), np.ones(nd2, bool)]
    csync = _synced_us(rng, np.maximum(ccreated, np.where(cdel, ccreated + DAY, 0)), end)
    tbl = wr.build("stripe/customer", {
        "id": all_cus, "email": cemail,
        "name": pa.concat_arrays([cus_name, company_variant(co_name.take(pa.array(dl)), rng,
                                                            "stripe")]),
        "description": null_where(cat("Customer since ", fmt_date(start[cacc])),
                                  rng.random(ncus) < 0.5),
        "address_line_1": cat(num_str(rng.integers(1, 999, ncus)), " Market Street"),
        "address_city": city.take(pa.array(cacc)), "address_country": country_code.take(
            pa.array(cacc)),
        "currency": pa.array(["usd"] * ncus), "balance": pa.array(["0"] * ncus),
        "delinquent": fmt_bool(np.r_[has_past_due, np.zeros(nd2, bool)], rng),
        "invoice_prefix": cat(pc.utf8_upper(pc.utf8_slice_codeunits(dslug.take(pa.array(cacc)),
                                                                    0, 4)),
                              num_str(rng.integers(1000, 9999, ncus))),
        "metadata": pa.concat_arrays([meta, pa.array(["{}"] * nd2)]),
        "created": fmt_ts(ccreated, rng, st_mix), "is_deleted": fmt_bool(cdel, rng),
        "livemode": fmt_bool(np.ones(ncus, bool), rng), "_fivetran_synced": fmt_synced(csync),
    }, ncus)
    wr.write("stripe/customer", messify(tbl, rng, ccreated))
    truth_rows(ctx.truth_contacts, "stripe", "customer", all_cus, person_id.take(
        pa.array(bp[cacc])))
    truth_rows(ctx.truth_accounts, "stripe", "customer", all_cus, company_id.take(
        pa.array(cacc)))

    # subscriptions
    sub_ids = stripe_ids("sub_", ctx.take("subscription", n), n)
    trial = (start >= w0) & (rng.random(n) < 0.2)
    sub_status = np.where(churned, "canceled", np.where(has_past_due, "past_due", "active"))
    nowp = np.minimum(alive_end, end) - 1
    months_since = ((nowp.astype("M8[s]").astype("M8[M]") - smonth).astype(np.int64))
    kcur = months_since // np.where(annual, 12, 1)
    cps = (smonth + (kcur * mper).astype("m8[M]")).astype("M8[s]").astype(np.int64) + srem
    back = cps > nowp
    kcur = np.where(back, kcur - 1, kcur)
    cps = (smonth + (kcur * mper).astype("m8[M]")).astype("M8[s]").astype(np.int64) + srem
    cpe = (smonth + ((kcur + 1) * mper).astype("m8[M]")).astype("M8[s]").astype(np.int64) + srem
    sub_created = np.where(trial, start - 14 * DAY, start)
    sub_mod = np.minimum(np.maximum(cps, np.where(churned, churn_t, 0)), end - HOUR)
    tbl = wr.build("stripe/subscription", {
        "id": sub_ids, "customer_id": cus_ids, "status": pa.array(sub_status.tolist()),
        "collection_method": pick(["charge_automatically", "send_invoice"],
                                  send_invoice.astype(int)),
        "cancel_at_period_end": fmt_bool(~churned & (rng.random(n) < 0.03), rng),
        "billing_cycle_anchor": fmt_ts(start, rng, st_mix),
        "current_period_start": fmt_ts(cps, rng, st_mix),
        "current_period_end": fmt_ts(cpe, rng, st_mix),
        "start_date": fmt_ts(sub_created, rng, st_mix),
        "trial_start": fmt_ts(np.where(trial, start - 14 * DAY, NULL_TS), rng, st_mix),
        "trial_end": fmt_ts(np.where(trial, start, NULL_TS), rng, st_mix),
        "canceled_at": fmt_ts(cancel_t, rng, st_mix), "ended_at": fmt_ts(churn_t, rng, st_mix),
        "created": fmt_ts(sub_created, rng, st_mix),
        "metadata": where(rng.random(n) < 0.5, cat('{"plan": "', pick(PLANS, plan0), '"}'), "{}"),
        "livemode": fmt_bool(np.ones(n, bool), rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, sub_mod, end)),
    }, n)
    wr.write("stripe/subscription", messify(tbl, rng, sub_created))
    # An upgrade changes the price/quantity of the subscription's item in place, as Stripe
    # does: the connector re-lands the same item id with a later _fivetran_synced.
    up_i = np.flatnonzero(upgraded)
    si_acc = np.concatenate([np.arange(n), up_i])
    si_price = np.concatenate([plan0 * 2 + annual, plan1[up_i] * 2 + annual[up_i]])
    si_qty = np.concatenate([seats0, seats1[up_i]])
    si_created = np.concatenate([sub_created, sub_created[up_i]])
    base_ids = stripe_ids("si_", ctx.take("sub_item", n), n)
    base_synced = _synced_us(rng, sub_created, end)
    up_synced = np.maximum(_synced_us(rng, upgrade_t[up_i], end), base_synced[up_i] + 1_000_000)
    nsi = len(si_acc)
    tbl = wr.build("stripe/subscription_item", {
        "id": base_ids.take(pa.array(si_acc)),
        "subscription_id": sub_ids.take(pa.array(si_acc)),
        "price_id": ctx.price_ids.take(pa.array(si_price)), "quantity": num_str(si_qty),
        "created": fmt_ts(si_created, rng, st_mix), "metadata": pa.array(["{}"] * nsi),
        "_fivetran_synced": fmt_synced(np.concatenate([base_synced, up_synced])),
    }, nsi)
    wr.write("stripe/subscription_item",
             messify(tbl, rng, np.concatenate([sub_created, upgrade_t[up_i]])))

    # invoices
    inv_email = where(rng.random(ni) < 0.8, cus_email.take(pa.array(iacc)),
                      email_variant(canon.take(pa.array(bp[iacc])), rng, "stripe"))
    amount_paid = np.where(paid, total, 0)
    remaining = np.where(is_open | (status == "uncollectible"), total, 0)
    inv_mod = np.minimum(np.where(paid, paid_t, icreated), end - 60)
    inv_sync = _synced_us(rng, inv_mod, end)
    number = cat(pc.utf8_upper(pc.utf8_slice_codeunits(dslug.take(pa.array(iacc)), 0, 4)), "-",
                 pc.utf8_lpad(num_str(kk + 1), 4, "0"))
    tbl = wr.build("stripe/invoice", {
        "id": inv_ids, "customer_id": cus_ids.take(pa.array(iacc)),
        "subscription_id": sub_ids.take(pa.array(iacc)), "number": number,
        "status": pa.array(status.tolist(), pa.string()),
        "billing_reason": pick(["subscription_cycle", "subscription_create"],
                               (kk == 0).astype(int)),
        "collection_method": pick(["charge_automatically", "send_invoice"], isend.astype(int)),
        "currency": pa.array(["usd"] * ni), "amount_due": cents(np.where(status == "void", 0,
                                                                       total)),
        "amount_paid": cents(amount_paid), "amount_remaining": cents(remaining),
        "subtotal": cents(total), "tax": pa.array(["0"] * ni), "total": cents(total),
        "attempt_count": num_str(attempts), "attempted": fmt_bool(attempts > 0, rng),
        "paid": fmt_bool(paid, rng), "customer_email": inv_email,
        "customer_name": cus_name.take(pa.array(iacc)),
        "period_start": fmt_ts(ps, rng, st_mix), "period_end": fmt_ts(pe, rng, st_mix),
        "due_date": fmt_ts(due, rng, st_mix), "created": fmt_ts(icreated, rng, st_mix),
        "is_deleted": fmt_bool(np.zeros(ni, bool), rng),
        "livemode": fmt_bool(np.ones(ni, bool), rng), "_fivetran_synced": fmt_synced(inv_sync),
    }, ni)
    wr.write("stripe/invoice", messify(tbl, rng, icreated))
    nch = len(ch_inv)
    fcode = rng.integers(0, 3, nch)
    tbl = wr.build("stripe/charge", {
        "id": stripe_ids("ch_", ctx.take("charge", nch), nch),
        "customer_id": cus_ids.take(pa.array(iacc[ch_inv])), "invoice_id": inv_ids.take(
            pa.array(ch_inv)),
        "amount": cents(total[ch_inv]), "amount_refunded": pa.array(["0"] * nch),
        "currency": pa.array(["usd"] * nch),
        "status": pick(["failed", "succeeded"], ch_ok.astype(int)),
        "paid": fmt_bool(ch_ok, rng), "captured": fmt_bool(ch_ok, rng),
        "refunded": fmt_bool(np.zeros(nch, bool), rng),
        "failure_code": null_where(pick(["card_declined", "insufficient_funds", "expired_card"],
                                        fcode), ch_ok),
        "failure_message": null_where(pick(["Your card was declined.",
                                            "Your card has insufficient funds.",
                                            "Your card has expired."], fcode), ch_ok),
        "receipt_email": inv_email.take(pa.array(ch_inv)),
        "description": cat("Payment for invoice ", number.take(pa.array(ch_inv))),
        "created": fmt_ts(ch_t, rng, st_mix), "livemode": fmt_bool(np.ones(nch, bool), rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, ch_t, end)),
    }, nch)
    wr.write("stripe/charge", messify(tbl, rng, ch_t))

    # ============================================================ zendesk
    org_acc = np.flatnonzero(np.bincount(pacc[zd_p], minlength=n) > 0)
    norg = len(org_acc)
    org_of = np.full(n, -1)
    org_of[org_acc] = np.arange(norg)
    org_ids = int_ids(362_000_000_000, ctx.take("zd_org", norg), norg, 1_009)
    dn_main = rng.random(norg) < 0.9
    d1 = domain.take(pa.array(org_acc))
    d2 = domain2.take(pa.array(org_acc))
    with2 = has_second[org_acc] & (rng.random(norg) < 0.6)
    dn = where(dn_main, where(with2, cat(d1, ",", d2), d1), where(with2, d2, ""))
    dn = null_where(dn, ~dn_main & ~with2)
    org_created = np.maximum(start[org_acc], w0 - 400 * DAY) + rng.integers(0, 30 * DAY, norg)
    org_sync = _synced_us(rng, org_created + DAY, end)
    tbl = wr.build("zendesk/organization", {
        "id": num_str(org_ids), "name": company_variant(co_name.take(pa.array(org_acc)), rng,
                                                        "zendesk"),
        "domain_names": dn,
        "external_id": null_where(sf_acc_id.take(pa.array(org_acc)), rng.random(norg) >= 0.5),
        "details": null_where(pick(["Plan: " + p for p in PLANS], plan0[org_acc]),
                              rng.random(norg) < 0.5),
        "notes": null_where(pick(['VIP, "white glove" support', "Prefers email, not phone",
                                  "Contact via their IT, not end users"],
                                 rng.integers(0, 3, norg)), rng.random(norg) < 0.7),
        "shared_tickets": fmt_bool(np.zeros(norg, bool), rng),
        "shared_comments": fmt_bool(np.zeros(norg, bool), rng),
        "created_at": fmt_ts(org_created, rng, zd_mix),
        "updated_at": fmt_ts(org_created + DAY, rng, zd_mix),
        "_fivetran_deleted": fmt_bool(rng.random(norg) < 0.005, rng),
        "_fivetran_synced": fmt_synced(org_sync),
    }, norg)
    wr.write("zendesk/organization", messify(tbl, rng, org_created))
    truth_rows(ctx.truth_accounts, "zendesk", "organization", num_str(org_ids),
               company_id.take(pa.array(org_acc)), "company_id")
    # end-users
    zu_ids = int_ids(363_000_000_000, ctx.take("zd_user", nzu), nzu, 131)
    zid_of = np.full(npp, -1, np.int64)
    zid_of[zd_p] = zu_ids
    first_tk = np.full(nzu, end - HOUR, np.int64)
    np.minimum.at(first_tk, tk_u, tk_t)
    zu_created = np.maximum(first_tk - rng.integers(0, 2 * DAY, nzu), pcreated[zd_p])
    zu_created = np.minimum(zu_created, first_tk)
    zacc = pacc[zd_p]
    org_str = num_str(org_ids[np.maximum(org_of[zacc], 0)])
    zname = cat(first.take(pa.array(zd_p)), " ", last.take(pa.array(zd_p)))
    zname = where(rng.random(nzu) < 0.1, pc.utf8_lower(zname), zname)
    zcountry = country[zacc]
    zu_sync = _synced_us(rng, first_tk, end)
    tbl = wr.build("zendesk/user", {
        "id": num_str(zu_ids), "email": email_variant(canon.take(pa.array(zd_p)), rng, "zendesk"),
        "name": zname, "role": pa.array(["end-user"] * nzu),
        "organization_id": null_where(org_str, rng.random(nzu) < 0.05),
        "iana_time_zone": pick([c[4] for c in W.COUNTRIES], zcountry),
        "locale": pick([c[5] for c in W.COUNTRIES], zcountry),
        "active": fmt_bool(np.ones(nzu, bool), rng),
        "suspended": fmt_bool(rng.random(nzu) < 0.005, rng),
        "verified": fmt_bool(rng.random(nzu) < 0.8, rng),
        "created_at": fmt_ts(zu_created, rng, zd_mix),
        "updated_at": fmt_ts(first_tk, rng, zd_mix),
        "last_login_at": fmt_ts(np.where(rng.random(nzu) < 0.5, first_tk, NULL_TS), rng, zd_mix),
        "_fivetran_deleted": fmt_bool(rng.random(nzu) < 0.01, rng),
        "_fivetran_synced": fmt_synced(zu_sync),
    }, nzu)
    wr.write("zendesk/user", messify(tbl, rng, zu_created))
    truth_rows(ctx.truth_contacts, "zendesk", "user", num_str(zu_ids), person_id.take(
        pa.array(zd_p)))
    # tickets
    tk_ids = int_ids(100_000, ctx.take("ticket", ntk_all), ntk_all)
    st_names = ["new", "open", "pending", "solved", "closed"]
    solved = tk_status >= 3
    rated = solved & (rng.random(ntk_all) < 0.4)
    score = rng.choice(5, ntk_all, p=[0.05, 0.07, 0.13, 0.35, 0.40]) + 1
    tk_sync = _synced_us(rng, tk_updated, end)
    tk_req = zid_of[tk_p]
    tk_org = org_ids[np.maximum(org_of[pacc[tk_p]], 0)]
    subj = rng.integers(0, len(W.TICKET_SUBJECTS), ntk_all)
    tbl = wr.build("zendesk/ticket", {
        "id": num_str(tk_ids), "subject": pick(W.TICKET_SUBJECTS, subj),
        "description": pick(W.COMMENT_REQUESTER, rng.integers(0, len(W.COMMENT_REQUESTER),
                                                              ntk_all)),
        "type": pick(["question", "incident", "problem", "task"], rng.integers(0, 4, ntk_all)),
        "priority": pick(["low", "normal", "high", "urgent"],
                         rng.choice(4, ntk_all, p=[0.3, 0.5, 0.15, 0.05])),
        "status": pick(st_names, tk_status), "requester_id": num_str(tk_req),
        "submitter_id": num_str(tk_req),
        "assignee_id": null_where(num_str(ctx.zd_agent_ids[tk_agent]), unassigned),
        "organization_id": num_str(tk_org), "group_id": num_str(ctx.group_ids[tk_group]),
        "via_channel": pick(["email", "web", "api", "chat"], rng.choice(
            4, ntk_all, p=[0.5, 0.35, 0.05, 0.1])),
        "satisfaction_rating_score": null_where(num_str(score), ~rated),
        "satisfaction_rating_comment": null_where(pick(["Great help, thanks!", "Slow, but OK",
                                                        "Très bien", ""], rng.integers(
                                                            0, 4, ntk_all)),
                                                  ~rated | (rng.random(ntk_all) < 0.5)),
        "created_at": fmt_ts(tk_t, rng, zd_mix), "updated_at": fmt_ts(tk_updated, rng, zd_mix),
        "_fivetran_deleted": fmt_bool(rng.random(ntk_all) < 0.003, rng),
        "_fivetran_synced": fmt_synced(tk_sync),
    }, ntk_all)
    # late-arriving: ~3% of tickets first exported with an earlier status, then updated
    li = np.flatnonzero((tk_status >= 2) & (rng.random(ntk_all) < 0.03))
    early_status = pick(st_names, np.maximum(tk_status[li] - 2, 1))
    final_cols = {"status": tbl.column("status").take(pa.array(li)).combine_chunks(),
                  "updated_at": tbl.column("updated_at").take(pa.array(li)).combine_chunks()}
    tbl = tbl.set_column(tbl.schema.get_field_index("status"), "status", pc.if_else(
        pa.array(np.isin(np.arange(ntk_all), li)), _scatter(ntk_all, li, early_status),
        tbl.column("status").combine_chunks()))
    late, _ = _late(tbl, li, tk_sync, rng, final_cols)
    wr.write("zendesk/ticket", messify(tbl, rng, tk_t, late))
    # comments
    cm_user = np.where(cm_kind == 0, tk_req[cm_tk], ctx.zd_agent_ids[tk_agent[cm_tk]])
    body = np.where(cm_kind == 0, rng.integers(0, len(W.COMMENT_REQUESTER), ncm),
                    np.where(cm_kind == 1, len(W.COMMENT_REQUESTER) + rng.integers(
                        0, len(W.COMMENT_AGENT), ncm),
                        len(W.COMMENT_REQUESTER) + len(W.COMMENT_AGENT) + rng.integers(
                            0, len(W.COMMENT_PRIVATE), ncm)))
    tbl = wr.build("zendesk/ticket_comment", {
        "id": num_str(int_ids(370_000_000_000, ctx.take("comment", ncm), ncm, 17)),
        "ticket_id": num_str(tk_ids[cm_tk]), "user_id": num_str(cm_user),
        "public": fmt_bool(cm_kind != 2, rng),
        "body": pick(W.COMMENT_REQUESTER + W.COMMENT_AGENT + W.COMMENT_PRIVATE, body),
        "via_channel": pick(["email", "web"], (cm_kind != 0).astype(int)),
        "created": fmt_ts(cm_t, rng, zd_mix),
        "_fivetran_deleted": fmt_bool(rng.random(ncm) < 0.002, rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, cm_t, end)),
    }, ncm)
    wr.write("zendesk/ticket_comment", messify(tbl, rng, cm_t))

    # ============================================================ hubspot
    hs_ids = int_ids(1_000_001, ctx.take("hs_contact", nhs), nhs, 51)
    hs_email = email_variant(canon.take(pa.array(hs_p)), rng, "hubspot")
    uns_h = unsub[hs_p]
    hs_mod = np.minimum(np.maximum(hs_created + rng.integers(0, 200 * DAY, nhs),
                                   np.where(uns_h, uns_t_of[hs_p], 0)), end - HOUR)
    hs_sync = _synced_us(rng, hs_mod, end)
    hacc = pacc[hs_p]
    stage_i = np.where(churned[hacc], 3, np.where(start[hacc] < end, 2, 1))
    stage_i = np.where(rng.random(nhs) < 0.1, 0, stage_i)
    stages_hs = ["subscriber", "lead", "customer", "other"]
    mm = ru["Marketing Manager"]
    tbl = wr.build("hubspot/contact", {
        "id": num_str(hs_ids), "property_email": hs_email,
        "property_firstname": first.take(pa.array(hs_p)),
        "property_lastname": last.take(pa.array(hs_p)),
        "property_jobtitle": null_where(pick(tflat, title_i[hs_p]), rng.random(nhs) < 0.2),
        "property_company": null_where(company_variant(co_name.take(pa.array(hacc)), rng, "hs"),
                                       rng.random(nhs) < 0.15),
        "property_website": null_where(domain.take(pa.array(hacc)), rng.random(nhs) < 0.3),
        "property_country": country_name.take(pa.array(hacc)),
        "property_lifecyclestage": pick(stages_hs, stage_i),
        "property_hs_lead_status": null_where(pick(["NEW", "OPEN", "CONNECTED"],
                                                   rng.integers(0, 3, nhs)),
                                              rng.random(nhs) < 0.6),
        "property_hs_email_optout": fmt_bool(uns_h, rng),
        "property_hubspot_owner_id": num_str(70_000_000 + mm[rng.integers(0, len(mm), nhs)]),
        "property_createdate": fmt_ts(hs_created, rng, hs_mix),
        "property_lastmodifieddate": fmt_ts(hs_mod, rng, hs_mix),
        "is_deleted": fmt_bool(rng.random(nhs) < 0.005, rng),
        "_fivetran_deleted": fmt_bool(rng.random(nhs) < 0.01, rng),
        "_fivetran_synced": fmt_synced(hs_sync),
    }, nhs)
    # late-arriving: 30% of unsubscribers first synced before the opt-out, plus 1% others
    li = np.flatnonzero((uns_h & (rng.random(nhs) < 0.3)) | (rng.random(nhs) < 0.01))
    final = {c: tbl.column(c).take(pa.array(li)).combine_chunks() for c in
             ("property_hs_email_optout", "property_lastmodifieddate", "property_lifecyclestage")}
    before = np.isin(np.arange(nhs), li)
    tbl = tbl.set_column(tbl.schema.get_field_index("property_hs_email_optout"),
                         "property_hs_email_optout",
                         where(before, fmt_bool(np.zeros(nhs, bool), rng),
                               tbl.column("property_hs_email_optout").combine_chunks()))
    early_mod = np.minimum(hs_created + HOUR, hs_mod)
    tbl = tbl.set_column(tbl.schema.get_field_index("property_lastmodifieddate"),
                         "property_lastmodifieddate",
                         where(before, fmt_ts(early_mod, rng, hs_mix),
                               tbl.column("property_lastmodifieddate").combine_chunks()))
    sync_before = np.where(before, (early_mod + 600) * 1_000_000, hs_sync)
    tbl = tbl.set_column(tbl.schema.get_field_index("_fivetran_synced"), "_fivetran_synced",
                         fmt_synced(sync_before))
    late_sync = np.maximum(hs_sync, sync_before + 3_600_000_000)
    late, _ = _late(tbl, li, late_sync - 3_600_000_000, rng, final)
    wr.write("hubspot/contact", messify(tbl, rng, hs_created, late))
    truth_rows(ctx.truth_contacts, "hubspot", "contact", num_str(hs_ids), person_id.take(
        pa.array(hs_p)))

    # email events
    bounce = rng.random(ns) < 0.015
    bounce &= ~cause
    opened = ~bounce & ((rng.random(ns) < 0.25) | cause)
    clicked = opened & (rng.random(ns) < 0.16)
    d_t = s_t + rng.integers(1, 120, ns)
    o_t = s_t + np.where(cause, (uns_t_of[s_p] - s_t) // 2,
                         rng.exponential(6 * HOUR, ns).astype(np.int64) + 60)
    k_t = o_t + rng.integers(5, 600, ns)
    s_ids = int_ids(10_000_000_000_000, ctx.take("event", ns), ns, 3)
    ev_n = [ns, int((~bounce).sum()), int(bounce.sum()), int(opened.sum()), int(clicked.sum())]
    src = [np.arange(ns), np.flatnonzero(~bounce), np.flatnonzero(bounce),
           np.flatnonzero(opened), np.flatnonzero(clicked)]
    ev_type = np.concatenate([np.full(c, i) for i, c in enumerate(ev_n)])
    ev_src = np.concatenate(src)
    ev_t = np.concatenate([s_t, d_t[~bounce], s_t[bounce] + 30, o_t[opened], k_t[clicked]])
    nother = len(ev_src) - ns
    other_ids = int_ids(20_000_000_000_000, ctx.take("event2", nother), nother, 3)
    ev_ids = np.concatenate([s_ids, other_ids])
    # unsubscribe STATUSCHANGE events
    ci_ = np.flatnonzero(cause)
    nun = len(ci_)
    un_ids = int_ids(30_000_000_000_000, ctx.take("event3", nun), nun, 3)
    ev_type = np.concatenate([ev_type, np.full(nun, 5)])
    ev_src = np.concatenate([ev_src, ci_])
    ev_t = np.concatenate([ev_t, uns_t_of[s_p[ci_]]])
    ev_ids = np.concatenate([ev_ids, un_ids])
    nev = len(ev_ids)
    is_sent = ev_type == 0
    is_sc = ev_type == 5
    camp_id = ctx.camp["id"][s_c[ev_src]]
    app = np.where(ctx.camp["kind"][s_c[ev_src]] == 2, APP_AUTOMATED, APP_BATCH)
    recip = hs_email.take(pa.array(s_h[ev_src]))
    sent_id_str = num_str(s_ids[ev_src])
    sent_created = fmt_ts(s_t[ev_src], rng, hs_mix)
    tbl = wr.build("hubspot/email_event", {
        "id": num_str(ev_ids), "created": fmt_ts(ev_t, rng, hs_mix),
        "email_campaign_id": num_str(camp_id), "recipient": recip,
        "type": pick(["SENT", "DELIVERED", "BOUNCE", "OPEN", "CLICK", "STATUSCHANGE"], ev_type),
        "sent_by_id": null_where(sent_id_str, is_sent | is_sc),
        "sent_by_created": null_where(sent_created, is_sent | is_sc),
        "caused_by_id": null_where(sent_id_str, ~is_sc),
        "caused_by_created": null_where(sent_created, ~is_sc),
        "portal_id": pa.array([str(PORTAL_ID)] * nev), "app_id": num_str(app),
        "filtered_event": fmt_bool(rng.random(nev) < 0.002, rng),
        "_fivetran_synced": fmt_synced(_synced_us(rng, ev_t, end)),
    }, nev)
    wr.write("hubspot/email_event", messify(tbl, rng, ev_t))
    kindc = ctx.camp["kind"][s_c]
    frm = pick(["Lumenary <news@lumenary.io>", "Lumenary Product <product@lumenary.io>",
                "Maya from Lumenary <maya@lumenary.io>", "Lumenary <promo@lumenary.io>"], kindc)
    tbl = wr.build("hubspot/email_event_sent", {
        "id": num_str(s_ids), "from": frm,
        "subject": pa.array(ctx.camp["subject"][s_c].tolist(), pa.string()),
        "reply_to": pa.array(["hello@lumenary.io"] * ns),
        "_fivetran_synced": fmt_synced(_synced_us(rng, s_t, end)),
    }, ns)
    wr.write("hubspot/email_event_sent", messify(tbl, rng, s_t))
    link = rng.random(nun) < 0.7
    tbl = wr.build("hubspot/email_event_status_change", {
        "id": num_str(un_ids),
        "source": pick(["SOURCE_HUBSPOT_CUSTOMER", "SOURCE_UNSUBSCRIBE_LINK"], link.astype(int)),
        "requested_by": null_where(hs_email.take(pa.array(s_h[ci_])), link),
        "portal_subscription_status": pa.array(["UNSUBSCRIBED"] * nun),
        "subscriptions": pa.array(['[{"id": 1, "status": "UNSUBSCRIBED"}]'] * nun),
        "bounced": fmt_bool(np.zeros(nun, bool), rng),
        "change_type": pa.array(["SUBSCRIPTION_STATUS"] * nun),
        "_fivetran_synced": fmt_synced(_synced_us(rng, uns_t_of[s_p[ci_]], end)),
    }, nun)
    wr.write("hubspot/email_event_status_change", messify(tbl, rng, uns_t_of[s_p[ci_]]))

    # ============================================================ truth: accounts + facts
    truth_rows(ctx.truth_accounts, "salesforce", "account", sf_acc_id, company_id, "company_id")
    cur_plan = pick(PLANS, plan1)
    # MRR as billing defines it: an annual price (10x the monthly list price) counts 1/12
    mrr = np.where(churned, 0, seats1 * PLAN_MONTHLY_USD[plan1] * np.where(annual, 10 / 12, 1))
    churned_at = pc.strftime(pa.array(np.where(churned, churn_t, 0)).cast(pa.timestamp("s")),
                             "%Y-%m-%dT%H:%M:%SZ")
    ctx.truth_facts.write_table(pa.table({
        "company_id": company_id, "churned_at": null_where(churned_at, ~churned),
        "has_past_due_invoice": pick(["false", "true"], has_past_due.astype(int)),
        "current_plan": cur_plan, "current_mrr": num_str(np.round(mrr, 2)),
    }))


def _scatter(n: int, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """An n-long string array holding ``values`` at ``idx`` (nulls elsewhere)."""
    pos = np.full(n, len(values), dtype=np.int64)
    pos[idx] = np.arange(len(idx))
    return pa.concat_arrays([values.cast(pa.string()), pa.nulls(1, pa.string())]).take(
        pa.array(pos))


def truth_rows(w: TruthWriter, system: str, table: str, ids: pa.Array, who: pa.Array,
               col: str = "person_id") -> None:
    n = len(ids)
    w.write_table(pa.table({
        "source_system": pa.array([system] * n), "source_table": pa.array([table] * n),
        "source_record_id": ids.cast(pa.string()), col: who.cast(pa.string()),
    }))


class TruthWriter:
    """A truth CSV that keeps only the rows of the systems written (``source_system``)."""

    def __init__(self, path: Path, schema: pa.Schema, systems: tuple[str, ...]):
        self.writer, self.systems = pcsv.CSVWriter(str(path), schema), systems

    def write_table(self, table: pa.Table) -> None:
        keep = pc.is_in(table.column("source_system"), value_set=pa.array(self.systems))
        self.writer.write_table(table.filter(keep))

    def close(self) -> None:
        self.writer.close()


def _clear_previous(out: Path, fmt: str) -> None:
    """Remove ``fmt`` files an earlier run (any profile, any systems) wrote into ``out``, so
    the folder holds exactly this run's files. Other files are left alone."""
    for system in RAW_TABLES:
        folder = out / system
        if not folder.is_dir():
            continue
        for name in output_names(system):
            (folder / f"{name}.{fmt}").unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()


# ============================================================== entry point
def generate(out: str | Path = "data/raw", truth: str | Path = "data/truth",
             scale: str = "demo", seed: int = 42, fmt: str = "csv",
             end_date: str = "2026-10-31", progress: bool = True, profile: str = "full",
             systems: str | list[str] | tuple[str, ...] | None = None) -> dict[str, int]:
    """Write the raw exports and the ground truth; return rows written per ``system/file``.

    ``profile``: ``full`` (RAW_TABLES), ``minimal`` (required contract columns only) or
    ``legacy`` (older connector layouts), see ``clearinghouse.gen_profiles``. ``systems``:
    the systems whose folders (and truth rows) are written, default all four."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {sorted(SCALES)}, not {scale!r}")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
    chosen = parse_systems(systems)
    out, truth = Path(out), Path(truth)
    truth.mkdir(parents=True, exist_ok=True)
    _clear_previous(out, fmt)
    end = int(np.datetime64(end_date, "D").astype("M8[s]").astype(np.int64)) + DAY
    n_acc = ACCOUNTS_PER_UNIT * SCALES[scale]
    s = pa.string()
    tw = {
        name: (pcsv.CSVWriter(str(truth / f"{name}.csv"), pa.schema(cols))
               if name == "account_facts" else
               TruthWriter(truth / f"{name}.csv", pa.schema(cols), chosen))
        for name, cols in {
            "contacts": [("source_system", s), ("source_table", s), ("source_record_id", s),
                         ("person_id", s)],
            "accounts": [("source_system", s), ("source_table", s), ("source_record_id", s),
                         ("company_id", s)],
            "account_facts": [("company_id", s), ("churned_at", s),
                              ("has_past_due_invoice", s), ("current_plan", s),
                              ("current_mrr", s)],
        }.items()
    }
    ctx = Ctx(seed=seed, scale=scale, end=end, w0=end - WINDOW_DAYS * DAY, n_accounts=n_acc,
              writer=RawWriter(out, fmt, RAW_TABLES, make_profile(profile, seed), chosen),
              truth_contacts=tw["contacts"],
              truth_accounts=tw["accounts"], truth_facts=tw["account_facts"])
    _build_globals(ctx, np.random.default_rng([seed, 0]))
    with tqdm(total=n_acc, desc=f"generate {scale}", unit="acct", disable=not progress) as bar:
        for ci, a0 in enumerate(range(0, n_acc, CHUNK_ACCOUNTS)):
            n = min(CHUNK_ACCOUNTS, n_acc - a0)
            _simulate_chunk(ctx, a0, n, np.random.default_rng([seed, 1, ci]))
            bar.update(n)
    _write_campaigns(ctx, np.random.default_rng([seed, 2]))
    counts = ctx.writer.close()
    for w in tw.values():
        w.close()
    params = {
        "fatigue": {
            "window_days": FATIGUE["window_days"],
            "knee_messages_per_week": FATIGUE["knee"],
            "base_unsubscribe_probability": FATIGUE["base"],
            "slope": FATIGUE["slope"],
            "formula": "p = base if n7 <= knee else base * (1 + slope * (n7 - knee))",
            "counts": "all outbound messages to the person in the 7 days before the send",
            "outbound_messages": "hubspot SENT events + completed Email/Call salesforce tasks "
                                 "+ public agent zendesk comments + non-draft stripe invoices",
            "leak_share_of_unsubscribers": LEAK_SHARE,
        },
        "seed": seed, "scale": scale, "end_date": end_date,
        "accounts": n_acc, "outbound_messages": ctx.messages,
    }
    if profile != "full" or chosen != parse_systems(None):  # defaults: unchanged file
        params.update(profile=profile, systems=list(chosen))
    (truth / "parameters.json").write_text(json.dumps(params, indent=2) + "\n")
    width = max(len(k) for k in counts)
    print(f"{'table':<{width}}  {'rows':>12}")
    for k, v in counts.items():
        print(f"{k:<{width}}  {v:>12,}")
    print(f"{'outbound messages':<{width}}  {ctx.messages:>12,}")
    return counts
