"""Zendesk export of a chunk: organization, end-users of user, ticket, ticket_comment."""

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
    fmt_synced,
    fmt_ts,
    int_ids,
    messify,
    null_where,
    num_str,
    pick,
    where,
)
from clearinghouse.synth.parameters import (
    AGENT_REPLY,
    PLANS,
    PRIVATE_NOTE,
    REQUESTER_COMMENT,
    TICKET_STATUSES,
)
from clearinghouse.synth.state import ChunkState
from clearinghouse.synth.variants import (
    company_variant,
    email_variant,
    later_versions,
    scatter,
    synced_micros,
)

MIX = TS_MIX["zendesk"]
ORGANIZATION_NOTES = ['VIP, "white glove" support', "Prefers email, not phone",
                      "Contact via their IT, not end users"]
RATING_COMMENTS = ["Great help, thanks!", "Slow, but OK", "Très bien", ""]


def write_zendesk(state: ChunkState, rng: np.random.Generator) -> None:
    """Organizations, end-users, tickets and comments."""
    organization_of = write_organizations(state, rng)
    user_ids = write_users(state, rng, organization_of)
    ticket_ids = write_tickets(state, rng, organization_of, user_ids)
    write_comments(state, rng, ticket_ids, user_ids)


def write_organizations(state: ChunkState, rng: np.random.Generator) -> np.ndarray:
    """``zendesk/organization`` for every account with a support user: domain names (main,
    second or both; 10% without the main one), external id (half), plan in details.
    Truth: company_id of every organization. Returns each account's organization id (0 if
    none)."""
    company, accounts, people = state.company, state.accounts, state.people
    writer = company.writer
    with_users = np.flatnonzero(np.bincount(people.account[state.support.users],
                                            minlength=state.n_accounts) > 0)
    n = len(with_users)
    ids = int_ids(362_000_000_000, company.take("zd_org", n), n, 1_009)
    rows = pa.array(with_users)
    main_domain = rng.random(n) < 0.9
    domain, second = accounts.domain.take(rows), accounts.second_domain.take(rows)
    with_second = accounts.has_second_domain[with_users] & (rng.random(n) < 0.6)
    domain_names = where(main_domain, where(with_second, cat(domain, ",", second), domain),
                         where(with_second, second, ""))
    domain_names = null_where(domain_names, ~main_domain & ~with_second)
    created = (np.maximum(accounts.start[with_users], company.window_start - 400 * DAY)
               + rng.integers(0, 30 * DAY, n))
    table = writer.build("zendesk/organization", {
        "id": num_str(ids), "name": company_variant(accounts.name.take(rows), rng, "zendesk"),
        "domain_names": domain_names,
        "external_id": null_where(accounts.crm_id.take(rows), rng.random(n) >= 0.5),
        "details": null_where(pick(["Plan: " + p for p in PLANS],
                                   accounts.plan_at_start[with_users]), rng.random(n) < 0.5),
        "notes": null_where(pick(ORGANIZATION_NOTES, rng.integers(0, 3, n)),
                            rng.random(n) < 0.7),
        "shared_tickets": fmt_bool(np.zeros(n, bool), rng),
        "shared_comments": fmt_bool(np.zeros(n, bool), rng),
        "created_at": fmt_ts(created, rng, MIX),
        "updated_at": fmt_ts(created + DAY, rng, MIX),
        "_fivetran_deleted": fmt_bool(rng.random(n) < 0.005, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, created + DAY, company.end)),
    }, n)
    writer.write("zendesk/organization", messify(table, rng, created))
    company.truth.record_companies("zendesk", "organization", num_str(ids),
                                   accounts.company_id.take(rows))
    organization_of = np.zeros(state.n_accounts, np.int64)
    organization_of[with_users] = ids
    return organization_of


def write_users(state: ChunkState, rng: np.random.Generator, organization_of: np.ndarray
                ) -> np.ndarray:
    """End-users of ``zendesk/user`` (created shortly before their first ticket; time zone
    and locale of the account's country). Truth: person_id of every end-user. Returns each
    person's Zendesk user id (-1 if none)."""
    company, accounts, people, support = (state.company, state.accounts, state.people,
                                          state.support)
    end, writer = company.end, company.writer
    users = support.users
    n = len(users)
    ids = int_ids(363_000_000_000, company.take("zd_user", n), n, 131)
    user_id_of = np.full(len(people), -1, np.int64)
    user_id_of[users] = ids
    first_ticket = np.full(n, end - HOUR, np.int64)
    np.minimum.at(first_ticket, support.ticket_user, support.ticket_at)
    created = np.maximum(first_ticket - rng.integers(0, 2 * DAY, n), people.created_at[users])
    created = np.minimum(created, first_ticket)
    account = people.account[users]
    name = cat(people.first_name.take(pa.array(users)), " ",
               people.last_name.take(pa.array(users)))
    name = where(rng.random(n) < 0.1, pc.utf8_lower(name), name)
    country = accounts.country[account]
    table = writer.build("zendesk/user", {
        "id": num_str(ids),
        "email": email_variant(people.canonical_email.take(pa.array(users)), rng, "zendesk"),
        "name": name, "role": pa.array(["end-user"] * n),
        "organization_id": null_where(num_str(organization_of[account]), rng.random(n) < 0.05),
        "iana_time_zone": pick([c[4] for c in words.COUNTRIES], country),
        "locale": pick([c[5] for c in words.COUNTRIES], country),
        "active": fmt_bool(np.ones(n, bool), rng),
        "suspended": fmt_bool(rng.random(n) < 0.005, rng),
        "verified": fmt_bool(rng.random(n) < 0.8, rng),
        "created_at": fmt_ts(created, rng, MIX),
        "updated_at": fmt_ts(first_ticket, rng, MIX),
        "last_login_at": fmt_ts(np.where(rng.random(n) < 0.5, first_ticket, NULL_TS), rng, MIX),
        "_fivetran_deleted": fmt_bool(rng.random(n) < 0.01, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, first_ticket, end)),
    }, n)
    writer.write("zendesk/user", messify(table, rng, created))
    company.truth.record_people("zendesk", "user", num_str(ids),
                                people.person_id.take(pa.array(users)))
    return user_id_of


def write_tickets(state: ChunkState, rng: np.random.Generator, organization_of: np.ndarray,
                  user_id_of: np.ndarray) -> np.ndarray:
    """``zendesk/ticket``: subject, type, priority, channel, satisfaction rating of 40% of
    solved tickets; 3% of pending/solved/closed tickets are first exported with an earlier
    status and then re-exported. Returns the ticket ids."""
    company, support = state.company, state.support
    end, writer = company.end, company.writer
    status = support.ticket_status
    n = len(status)
    ids = int_ids(100_000, company.take("ticket", n), n)
    rated = (status >= 3) & (rng.random(n) < 0.4)
    score = rng.choice(5, n, p=[0.05, 0.07, 0.13, 0.35, 0.40]) + 1
    synced = synced_micros(rng, support.ticket_updated_at, end)
    requester = num_str(user_id_of[support.ticket_person])
    table = writer.build("zendesk/ticket", {
        "id": num_str(ids),
        "subject": pick(words.TICKET_SUBJECTS, rng.integers(0, len(words.TICKET_SUBJECTS), n)),
        "description": pick(words.COMMENT_REQUESTER,
                            rng.integers(0, len(words.COMMENT_REQUESTER), n)),
        "type": pick(["question", "incident", "problem", "task"], rng.integers(0, 4, n)),
        "priority": pick(["low", "normal", "high", "urgent"],
                         rng.choice(4, n, p=[0.3, 0.5, 0.15, 0.05])),
        "status": pick(TICKET_STATUSES, status), "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": null_where(num_str(company.agent_ids[support.ticket_agent]),
                                  support.unassigned),
        "organization_id": num_str(organization_of[state.people.account[support.ticket_person]]),
        "group_id": num_str(company.group_ids[support.ticket_group]),
        "via_channel": pick(["email", "web", "api", "chat"],
                            rng.choice(4, n, p=[0.5, 0.35, 0.05, 0.1])),
        "satisfaction_rating_score": null_where(num_str(score), ~rated),
        "satisfaction_rating_comment": null_where(
            pick(RATING_COMMENTS, rng.integers(0, len(RATING_COMMENTS), n)),
            ~rated | (rng.random(n) < 0.5)),
        "created_at": fmt_ts(support.ticket_at, rng, MIX),
        "updated_at": fmt_ts(support.ticket_updated_at, rng, MIX),
        "_fivetran_deleted": fmt_bool(rng.random(n) < 0.003, rng),
        "_fivetran_synced": fmt_synced(synced),
    }, n)
    relanded = np.flatnonzero((status >= 2) & (rng.random(n) < 0.03))
    earlier_status = pick(TICKET_STATUSES, np.maximum(status[relanded] - 2, 1))
    final = {column: table.column(column).take(pa.array(relanded)).combine_chunks()
             for column in ("status", "updated_at")}
    table = table.set_column(table.schema.get_field_index("status"), "status", pc.if_else(
        pa.array(np.isin(np.arange(n), relanded)), scatter(n, relanded, earlier_status),
        table.column("status").combine_chunks()))
    late, _ = later_versions(table, relanded, synced, rng, final)
    writer.write("zendesk/ticket", messify(table, rng, support.ticket_at, late))
    return ids


def write_comments(state: ChunkState, rng: np.random.Generator, ticket_ids: np.ndarray,
                   user_id_of: np.ndarray) -> None:
    """``zendesk/ticket_comment``: requester comments, public agent replies, private notes."""
    company, support = state.company, state.support
    ticket, kind, at = support.comment_ticket, support.comment_kind, support.comment_at
    n = len(ticket)
    author = np.where(kind == REQUESTER_COMMENT, user_id_of[support.ticket_person[ticket]],
                      company.agent_ids[support.ticket_agent[ticket]])
    n_requester, n_agent = len(words.COMMENT_REQUESTER), len(words.COMMENT_AGENT)
    body = np.where(kind == REQUESTER_COMMENT, rng.integers(0, n_requester, n), np.where(
        kind == AGENT_REPLY, n_requester + rng.integers(0, n_agent, n),
        n_requester + n_agent + rng.integers(0, len(words.COMMENT_PRIVATE), n)))
    table = company.writer.build("zendesk/ticket_comment", {
        "id": num_str(int_ids(370_000_000_000, company.take("comment", n), n, 17)),
        "ticket_id": num_str(ticket_ids[ticket]), "user_id": num_str(author),
        "public": fmt_bool(kind != PRIVATE_NOTE, rng),
        "body": pick(words.COMMENT_REQUESTER + words.COMMENT_AGENT + words.COMMENT_PRIVATE,
                     body),
        "via_channel": pick(["email", "web"], (kind != REQUESTER_COMMENT).astype(int)),
        "created": fmt_ts(at, rng, MIX),
        "_fivetran_deleted": fmt_bool(rng.random(n) < 0.002, rng),
        "_fivetran_synced": fmt_synced(synced_micros(rng, at, company.end)),
    }, n)
    company.writer.write("zendesk/ticket_comment", messify(table, rng, at))
