"""Stage ``marketing``: HubSpot contacts and the campaign sends they would receive."""

from __future__ import annotations

import numpy as np

from clearinghouse.synth.common import DAY, HOUR
from clearinghouse.synth.parameters import LAUNCH, NEWSLETTER, NURTURE, NURTURE_STEP_DAYS
from clearinghouse.synth.sampling import cross_join
from clearinghouse.synth.state import ChunkState, Marketing

SUBSCRIBER_SHARE = np.array([0.15, 0.3, 0.25, 0.2])  # newsletter subscribers per category
LAUNCH_AUDIENCE = 0.5  # share of contacts in a launch wave's list
OTHER_AUDIENCE = 0.12  # share of contacts in a ghost campaign's list
NURTURE_SHARE = 0.6  # of contacts created in the window: enrolled in the nurture workflow


def simulate_marketing(state: ChunkState, rng: np.random.Generator) -> None:
    """HubSpot contacts (half created up to 90 days before the person's first record) and the
    sends planned to them while they are reachable (created, until 30 days after churn):
    newsletters to subscribers, launch waves and ghost campaigns to random lists (0-2 h after
    the scheduled time), and the 5-step nurture workflow for 60% of new contacts.

    The fatigue stage decides which of these sends are made."""
    company, people, campaigns = state.company, state.people, state.company.campaigns
    window_start, end = company.window_start, company.end
    contacts = np.flatnonzero(people.in_marketing)
    n = len(contacts)
    created_at = people.created_at[contacts] - np.where(
        rng.random(n) < 0.5, rng.integers(0, 90 * DAY, n), 0)
    reachable_from = np.maximum(created_at, window_start)
    reachable_until = np.minimum(people.active_until[contacts] + 30 * DAY, end)

    batch = np.flatnonzero(campaigns.kind != NURTURE)
    subscriber = rng.random(n) < SUBSCRIBER_SHARE[people.category[contacts]]
    contact, campaign = cross_join(n, len(batch))
    kind = campaigns.kind[batch][campaign]
    in_list = np.where(kind == NEWSLETTER, subscriber[contact], rng.random(len(contact)) <
                       np.where(kind == LAUNCH, LAUNCH_AUDIENCE, OTHER_AUDIENCE))
    scheduled_at = campaigns.scheduled_at[batch][campaign]
    sent = (in_list & (scheduled_at >= reachable_from[contact])
            & (scheduled_at < reachable_until[contact]))
    batch_contact, batch_campaign = contact[sent], batch[campaign[sent]]
    batch_at = scheduled_at[sent] + rng.integers(0, 2 * HOUR, sent.sum())

    enrolled = np.flatnonzero((created_at >= window_start) & (rng.random(n) < NURTURE_SHARE))
    enrolled_index, step = cross_join(len(enrolled), len(NURTURE_STEP_DAYS))
    nurture_contact = enrolled[enrolled_index]
    nurture_at = (created_at[nurture_contact] + NURTURE_STEP_DAYS[step] * DAY
                  + rng.integers(0, 4 * HOUR, len(enrolled_index)))
    sent = (nurture_at < end) & (nurture_at < reachable_until[nurture_contact])
    nurture_campaigns = np.flatnonzero(campaigns.kind == NURTURE)
    send_contact = np.concatenate([batch_contact, nurture_contact[sent]])
    state.marketing = Marketing(
        contacts=contacts, contact_created_at=created_at, send_contact=send_contact,
        send_campaign=np.concatenate([batch_campaign, nurture_campaigns[step[sent]]]),
        send_at=np.concatenate([batch_at, nurture_at[sent]]),
        send_person=contacts[send_contact])
