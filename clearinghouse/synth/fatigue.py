"""Stage ``fatigue``: marketing sends make tired people unsubscribe."""

from __future__ import annotations

import numpy as np

from clearinghouse.synth.common import DAY, HOUR, NULL_TS
from clearinghouse.synth.parameters import FATIGUE, LEAK_SHARE
from clearinghouse.synth.state import ChunkState, Fatigue

LEAKED_SEND_SHARE = 0.4  # of the sends after an unsubscribe that still go to a leaky person
CRM_OPT_OUT_SHARE = 0.5  # of unsubscribes that also reach the Salesforce contact


def messages_in_window(send_person: np.ndarray, send_at: np.ndarray, person: np.ndarray,
                       at: np.ndarray, window_start: int) -> np.ndarray:
    """For each send: outbound messages (all of them, sends included) to its person in the
    ``FATIGUE["window_days"]`` before it (not at its instant); binary search on
    (person, time) keys."""
    origin = window_start - 10 * DAY
    keys = np.sort(person.astype(np.int64) * (1 << 32) + (at - origin), kind="stable")
    send_keys = send_person.astype(np.int64) * (1 << 32) + (send_at - origin)
    window = FATIGUE["window_days"] * DAY
    return (np.searchsorted(keys, send_keys, "left")
            - np.searchsorted(keys, send_keys - window, "left"))


def unsubscribe_probability(recent_messages: np.ndarray) -> np.ndarray:
    """``base`` up to ``knee`` messages a week, then growing by ``slope`` per message."""
    knee = FATIGUE["knee"]
    return FATIGUE["base"] * np.where(recent_messages <= knee, 1.0,
                                      1 + FATIGUE["slope"] * (recent_messages - knee))


def simulate_fatigue(state: ChunkState, rng: np.random.Generator) -> None:
    """Each planned marketing send may trigger an unsubscribe with a probability that grows
    with the outbound messages (completed task emails and calls, public agent replies,
    non-draft invoices, marketing sends) the person got in the past week. A person's first
    trigger unsubscribes them minutes to hours later; later sends are dropped, except for
    5% of unsubscribers whom marketing keeps mailing (40% of their sends leak through).

    Truth: the fatigue parameters (parameters.json) and, through the unsubscribes written to
    HubSpot and Salesforce, what the fatigue model is scored against."""
    company, people, marketing = state.company, state.people, state.marketing
    tasks, support, billing = state.tasks, state.support, state.billing
    end = company.end
    send_person, send_at = marketing.send_person, marketing.send_at
    invoiced = billing.status != "draft"
    replies = support.replies
    other_person = np.concatenate([
        tasks.person[tasks.is_message], support.ticket_person[support.comment_ticket[replies]],
        people.billing_person[billing.account[invoiced]]])
    other_at = np.concatenate([tasks.at[tasks.is_message], support.comment_at[replies],
                               billing.created_at[invoiced]])
    recent = messages_in_window(send_person, send_at,
                                np.concatenate([send_person, other_person]),
                                np.concatenate([send_at, other_at]), company.window_start)
    triggers = np.flatnonzero(rng.random(len(send_person)) < unsubscribe_probability(recent))
    triggers = triggers[np.lexsort((send_at[triggers], send_person[triggers]))]
    first_trigger = (triggers[np.r_[True, send_person[triggers][1:] != send_person[triggers][:-1]]]
                     if len(triggers) else triggers)
    delay = np.minimum(120 + rng.exponential(4 * HOUR, len(first_trigger)).astype(np.int64),
                       3 * DAY)
    unsubscribed_at = np.full(len(people), NULL_TS)
    unsubscribed_at[send_person[first_trigger]] = np.minimum(send_at[first_trigger] + delay,
                                                             end - 1)
    leaky = np.zeros(len(people), bool)
    leaky[send_person[first_trigger]] = rng.random(len(first_trigger)) < LEAK_SHARE
    person_unsubscribed_at = unsubscribed_at[send_person]
    keep = ((person_unsubscribed_at == NULL_TS) | (send_at <= person_unsubscribed_at)
            | (leaky[send_person] & (rng.random(len(send_person)) < LEAKED_SEND_SHARE)))
    caused = np.zeros(len(send_person), bool)
    caused[first_trigger] = True
    kept = np.flatnonzero(keep)
    kept = kept[np.lexsort((send_person[kept], send_at[kept]))]
    state.fatigue = Fatigue(
        unsubscribed_at=unsubscribed_at,
        crm_opt_out=(unsubscribed_at != NULL_TS) & (rng.random(len(people)) < CRM_OPT_OUT_SHARE),
        send_contact=marketing.send_contact[kept], send_campaign=marketing.send_campaign[kept],
        send_at=send_at[kept], send_person=send_person[kept], caused_unsubscribe=caused[kept])
    np.add.at(company.campaigns.sends, state.fatigue.send_campaign, 1)
    company.messages += (len(kept) + int(tasks.is_message.sum()) + int(replies.sum())
                         + int(invoiced.sum()))
