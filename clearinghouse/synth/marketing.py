"""Stage ``marketing``: HubSpot contacts and the campaign sends they would receive."""

from __future__ import annotations

import numpy as np

from clearinghouse.synth.common import DAY, HOUR
from clearinghouse.synth.local_time import LocalClock
from clearinghouse.synth.parameters import LAUNCH, NEWSLETTER, NURTURE, NURTURE_STEP_DAYS
from clearinghouse.synth.sampling import cross_join
from clearinghouse.synth.state import ChunkState, Marketing

SUBSCRIBER_SHARE = np.array([0.15, 0.3, 0.25, 0.2])  # newsletter subscribers per category
LAUNCH_AUDIENCE = 0.5  # share of contacts in a launch wave's list
OTHER_AUDIENCE = 0.12  # share of contacts in a ghost campaign's list
NURTURE_SHARE = 0.6  # of contacts created in the window: enrolled in the nurture workflow


def batch_sends(state: ChunkState, rng: np.random.Generator, clock: LocalClock,
                zone: np.ndarray, reachable_from: np.ndarray, reachable_until: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newsletters to subscribers, launch waves and ghost campaigns to random lists, while
    the contact is reachable. A campaign goes out at its scheduled UTC moment, or, sent by
    time zone, at its local hour on that date in each contact's zone; each send 0-2 h after.
    Returns (contact, campaign, time) per send."""
    people, campaigns = state.people, state.company.campaigns
    contacts = np.flatnonzero(people.in_marketing)
    batch = np.flatnonzero(campaigns.kind != NURTURE)
    subscriber = rng.random(len(contacts)) < SUBSCRIBER_SHARE[people.category[contacts]]
    contact, campaign = cross_join(len(contacts), len(batch))
    campaign = batch[campaign]
    kind = campaigns.kind[campaign]
    in_list = np.where(kind == NEWSLETTER, subscriber[contact], rng.random(len(contact)) <
                       np.where(kind == LAUNCH, LAUNCH_AUDIENCE, OTHER_AUDIENCE))
    scheduled_at = campaigns.scheduled_at[campaign]
    local = campaigns.in_local_time[campaign]
    planned_at = scheduled_at.copy()
    planned_at[local] = clock.at_local_time(scheduled_at[local] // DAY,
                                            campaigns.local_hour[campaign[local]] * HOUR,
                                            zone[contact[local]])
    sent = (in_list & (planned_at >= reachable_from[contact])
            & (planned_at < reachable_until[contact]))
    return (contact[sent], campaign[sent],
            planned_at[sent] + rng.integers(0, 2 * HOUR, sent.sum()))


def nurture_sends(state: ChunkState, rng: np.random.Generator, clock: LocalClock,
                  zone: np.ndarray, created_at: np.ndarray, reachable_until: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 5-step nurture workflow for 60% of the contacts created in the window: step k
    ``NURTURE_STEP_DAYS[k]`` days after creation (0-4 h later), or, for steps sent by time
    zone, at the step's local hour (0-2 h later) on that day in the contact's zone."""
    company, campaigns = state.company, state.company.campaigns
    enrolled = np.flatnonzero((created_at >= company.window_start)
                              & (rng.random(len(created_at)) < NURTURE_SHARE))
    enrolled_index, step = cross_join(len(enrolled), len(NURTURE_STEP_DAYS))
    contact = enrolled[enrolled_index]
    campaign = np.flatnonzero(campaigns.kind == NURTURE)[step]
    at = (created_at[contact] + NURTURE_STEP_DAYS[step] * DAY
          + rng.integers(0, 4 * HOUR, len(enrolled_index)))
    local = campaigns.in_local_time[campaign]
    day = clock.local_day(at[local], zone[contact[local]])
    at[local] = clock.at_local_time(day, campaigns.local_hour[campaign[local]] * HOUR
                                    + rng.integers(0, 2 * HOUR, local.sum()),
                                    zone[contact[local]])
    sent = (at < company.end) & (at < reachable_until[contact])
    return contact[sent], campaign[sent], at[sent]


def simulate_marketing(state: ChunkState, rng: np.random.Generator) -> None:
    """HubSpot contacts (half created up to 90 days before the person's first record) and the
    sends planned to them while they are reachable (created, until 30 days after churn):
    batch campaigns and the nurture workflow (see ``batch_sends``, ``nurture_sends``).
    ``SEND_BY_TIME_ZONE_SHARE`` of the campaigns are sent by time zone.

    The fatigue stage decides which of these sends are made."""
    company, people = state.company, state.people
    contacts = np.flatnonzero(people.in_marketing)
    n = len(contacts)
    created_at = people.created_at[contacts] - np.where(
        rng.random(n) < 0.5, rng.integers(0, 90 * DAY, n), 0)
    reachable_from = np.maximum(created_at, company.window_start)
    reachable_until = np.minimum(people.active_until[contacts] + 30 * DAY, company.end)
    clock = LocalClock(company.window_start, company.end)
    zone = state.accounts.country[people.account[contacts]]  # COUNTRY_TIME_ZONES index
    batch = batch_sends(state, rng, clock, zone, reachable_from, reachable_until)
    nurture = nurture_sends(state, rng, clock, zone, created_at, reachable_until)
    send_contact = np.concatenate([batch[0], nurture[0]])
    state.marketing = Marketing(
        contacts=contacts, contact_created_at=created_at, send_contact=send_contact,
        send_campaign=np.concatenate([batch[1], nurture[1]]),
        send_at=np.concatenate([batch[2], nurture[2]]), send_person=contacts[send_contact])
