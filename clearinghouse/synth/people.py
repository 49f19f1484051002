"""Stage ``people``: the people at each account and the records systems hold about them."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from clearinghouse.synth import words
from clearinghouse.synth.common import (
    DAY,
    HOUR,
    cat,
    expand,
    group_rank,
    num_str,
    pick,
    sf_ids,
    where,
    zpad,
)
from clearinghouse.synth.parameters import FREEMAIL, FREEMAIL_WEIGHTS
from clearinghouse.synth.sampling import GroupIndex, pick_from_lists
from clearinghouse.synth.state import ChunkState, People

TITLE_LISTS = [words.TITLES[c] for c in words.TITLE_CATS]
TITLES_FLAT = [title for titles in TITLE_LISTS for title in titles]
CATEGORY_WEIGHTS = [0.12, 0.18, 0.62, 0.08]  # exec, admin, user, billing
SUPPORT_SHARE = np.array([0.12, 0.6, 0.35, 0.3])  # per category: has a Zendesk user
DUPLICATE_CONTACT_RATE = 0.03


def simulate_people(state: ChunkState, rng: np.random.Generator) -> None:
    """People per account (lognormal, median ~8.6, 1-40); the first is the billing contact.
    Each gets a title category, a name, one canonical email (8% free-mail, some on the
    account's second domain; namesakes numbered), a creation time in the account's life, and
    records in Salesforce (90%, billing contacts always), HubSpot (85%), Zendesk (by
    category). 3% of Salesforce contacts have a duplicate contact.

    Truth: person_id of every record (written by the system writers)."""
    company, accounts = state.company, state.accounts
    n_accounts, window_start = state.n_accounts, company.window_start
    per_account = np.clip(np.rint(rng.lognormal(math.log(8.6), 0.6, n_accounts)), 1,
                          40).astype(np.int64)
    account, position = expand(per_account)
    n = len(account)
    global_index = company.take("person", n) + np.arange(n)
    category = rng.choice(4, n, p=CATEGORY_WEIGHTS)
    is_billing = position == 0
    category[is_billing] = 3
    _, title_index = pick_from_lists(rng, TITLE_LISTS, category)
    first_index = rng.integers(0, len(words.FIRST_NAMES), n)
    last_index = rng.integers(0, len(words.LAST_NAMES), n)
    freemail = rng.random(n) < 0.08
    on_second_domain = accounts.has_second_domain[account] & ~freemail & (rng.random(n) < 0.3)
    namesake = group_rank(account, first_index, last_index)
    first_slug = pick(words.FIRST_SLUGS, first_index)
    last_slug = pick(words.LAST_SLUGS, last_index)
    work_local = cat(first_slug, ".", last_slug, where(namesake > 0, num_str(namesake + 1), ""))
    free_local = cat(first_slug, ".", last_slug, num_str(global_index))
    free_domain = pick(FREEMAIL, rng.choice(len(FREEMAIL), n, p=FREEMAIL_WEIGHTS))
    domain = where(freemail, free_domain,
                   where(on_second_domain, accounts.second_domain.take(pa.array(account)),
                         accounts.domain.take(pa.array(account))))
    canonical_email = cat(where(freemail, free_local, work_local), "@", domain)

    active_until = accounts.active_until[account]
    earliest = np.maximum(accounts.start[account], window_start - 400 * DAY)
    life = np.maximum(active_until - earliest, DAY)
    created_at = earliest + np.where(rng.random(n) < 0.6, rng.integers(0, 30 * DAY, n),
                                     (rng.random(n) * life).astype(np.int64))
    created_at = np.minimum(created_at, active_until - HOUR)
    in_crm = (rng.random(n) < 0.9) | is_billing
    in_marketing = rng.random(n) < 0.85
    in_support = rng.random(n) < SUPPORT_SHARE[category]

    crm_people = np.flatnonzero(in_crm)
    crm_row_of = np.full(n, -1)
    crm_row_of[crm_people] = np.arange(len(crm_people))
    crm_contact_ids = sf_ids("003", company.take("sf_contact", len(crm_people)),
                             len(crm_people))
    duplicate_people = crm_people[rng.random(len(crm_people)) < DUPLICATE_CONTACT_RATE]
    duplicate_ids = sf_ids("003", company.take("sf_contact", len(duplicate_people)),
                           len(duplicate_people))
    duplicate_of = np.full(n, -1)
    duplicate_of[duplicate_people] = np.arange(len(duplicate_people))
    key_people = np.flatnonzero(in_crm & ((category == 0) | (category == 1)))
    state.people = People(
        account=account, person_id=zpad("P", global_index, 8), category=category,
        is_billing_contact=is_billing, title_index=title_index,
        first_name=pick(words.FIRST_NAMES, first_index),
        last_name=pick(words.LAST_NAMES, last_index), canonical_email=canonical_email,
        created_at=created_at, in_crm=in_crm, in_marketing=in_marketing, in_support=in_support,
        active_from=np.maximum(created_at, window_start), active_until=active_until,
        crm_people=crm_people, crm_row_of=crm_row_of, crm_contact_ids=crm_contact_ids,
        duplicate_people=duplicate_people, duplicate_ids=duplicate_ids,
        duplicate_of=duplicate_of, billing_person=np.flatnonzero(is_billing),
        key_contacts=GroupIndex.build(account[key_people], key_people, n_accounts),
        crm_contacts=GroupIndex.build(account[crm_people], crm_people, n_accounts))
