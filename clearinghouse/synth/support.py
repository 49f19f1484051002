"""Stage ``support``: Zendesk tickets and their comments."""

from __future__ import annotations

import numpy as np

from clearinghouse.synth.common import DAY, HOUR, expand
from clearinghouse.synth.parameters import AGENT_REPLY, PRIVATE_NOTE, REQUESTER_COMMENT
from clearinghouse.synth.sampling import uniform_between
from clearinghouse.synth.state import ChunkState, Support

GROUP_WEIGHTS = [0.65, 0.22, 0.13]  # Tier 1, Tier 2, Billing


def ticket_statuses(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """new/open/pending for young tickets, mostly solved/closed for older ones."""
    draw = rng.random(len(age))
    young = np.where(draw < 0.4, 0, np.where(draw < 0.8, 1, 2))
    recent = np.where(draw < 0.3, 1, np.where(draw < 0.5, 2, 3))
    old = np.where(draw < 0.35, 3, 4)
    return np.where(age < 3 * DAY, young, np.where(age < 14 * DAY, recent, old))


def simulate_comments(rng: np.random.Generator, ticket_at: np.ndarray, age: np.ndarray,
                      status: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Comments per ticket: the requester's opening comment, agent replies (none on new
    tickets), requester follow-ups and private notes, spread over up to 6 days. Returns
    (ticket, kind, time), ordered by ticket and time; the first is always the requester's."""
    n = len(ticket_at)
    replies = np.where(status == 0, 0, np.where(status == 1, rng.poisson(0.7, n),
                                                1 + rng.poisson(1.0, n)))
    follow_ups = rng.poisson(0.6, n) * (replies > 0)
    notes = (rng.random(n) < 0.3).astype(np.int64) * (replies > 0)
    ticket, position = expand(1 + replies + follow_ups + notes)
    after_first = position - 1
    kind = np.where(position == 0, REQUESTER_COMMENT, np.where(
        after_first < replies[ticket], AGENT_REPLY,
        np.where(after_first < replies[ticket] + follow_ups[ticket], REQUESTER_COMMENT,
                 PRIVATE_NOTE)))
    span = np.minimum(age[ticket] - 60, rng.integers(2 * HOUR, 6 * DAY, n)[ticket])
    at = ticket_at[ticket] + np.where(
        position == 0, 0, 60 + (rng.random(len(ticket)) * np.maximum(span, 1)).astype(np.int64))
    order = np.lexsort((at, ticket))
    ticket, kind, at = ticket[order], kind[order], at[order]
    first = np.r_[True, ticket[1:] != ticket[:-1]] if len(ticket) else np.zeros(0, bool)
    kind[first & (kind != REQUESTER_COMMENT)] = REQUESTER_COMMENT
    return ticket, kind, at


def simulate_support(state: ChunkState, rng: np.random.Generator) -> None:
    """Tickets of people with a Zendesk user (90% of them file 1 + Poisson(0.8) tickets in
    their active window), routed to a group (billing contacts: half to Billing) and an agent,
    with a status by age (half of new tickets unassigned), and comments. Public agent replies
    are outbound messages; ticket times feed the service-level models."""
    company, people = state.company, state.people
    users = np.flatnonzero(people.in_support)
    n_users = len(users)
    files_tickets = (rng.random(n_users) < 0.9) & (
        people.active_until[users] > people.active_from[users] + DAY)
    ticket_user, _ = expand(np.where(files_tickets, 1 + rng.poisson(0.8, n_users), 0))
    person = users[ticket_user]
    n = len(person)
    ticket_at = uniform_between(rng, people.active_from[person], people.active_until[person])
    ticket_at = (ticket_at // 60) * 60
    group = rng.choice(3, n, p=GROUP_WEIGHTS)
    group[people.is_billing_contact[person] & (rng.random(n) < 0.5)] = 2
    group_size = np.array([len(agents) for agents in company.agents_by_group])
    agents = np.concatenate(company.agents_by_group)
    group_offset = np.cumsum(group_size) - group_size
    agent = agents[group_offset[group] + (rng.random(n) * group_size[group]).astype(int)]
    age = company.end - ticket_at
    status = ticket_statuses(rng, age)
    unassigned = (status == 0) & (rng.random(n) < 0.5)
    comment_ticket, comment_kind, comment_at = simulate_comments(rng, ticket_at, age, status)
    updated_at = np.zeros(n, np.int64)
    np.maximum.at(updated_at, comment_ticket, comment_at)
    state.support = Support(
        users=users, ticket_user=ticket_user, ticket_person=person, ticket_at=ticket_at,
        ticket_group=group, ticket_agent=agent, ticket_status=status, unassigned=unassigned,
        ticket_updated_at=updated_at, comment_ticket=comment_ticket, comment_kind=comment_kind,
        comment_at=comment_at)
