"""The simulation's state: the company-wide setup and, per chunk of accounts, what each
stage has simulated so far.

A chunk is simulated by named stages run in order (``clearinghouse.synth.run``); each reads
the fields earlier stages filled in and fills in its own (``ChunkState.accounts``,
``.people``, ...). Every stage draws from its own child random generator
(``stage_generators``), so changing one stage never shifts another's random stream.
Timestamps are int64 epoch seconds (UTC); ``NULL_TS`` marks a missing one. Row arrays of one
entity are aligned: ``people.account[i]`` is the account (chunk-local index) of person ``i``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from clearinghouse.synth.common import RawWriter
from clearinghouse.synth.parameters import AGENT_REPLY
from clearinghouse.synth.sampling import GroupIndex

# The stages of one chunk, in the order they run. Each gets the child generator at its
# position: append new stages at the end so the others keep their random streams.
CHUNK_STAGES = (
    "accounts", "people", "billing", "outreach", "support", "marketing", "fatigue",
    "write_salesforce", "write_stripe", "write_zendesk", "write_hubspot",
)
# Company-wide stages (run once, before and after the chunks).
COMPANY_STAGES = ("staff", "support_team", "prices", "campaigns", "write_campaigns")


def stage_generators(seed_sequence: np.random.SeedSequence, stages: tuple[str, ...]
                     ) -> dict[str, np.random.Generator]:
    """One independent child generator per stage name (``SeedSequence.spawn``)."""
    children = seed_sequence.spawn(len(stages))
    return {name: np.random.default_rng(child) for name, child in zip(stages, children,
                                                                       strict=True)}


class TruthWriter:
    """A truth CSV that keeps only the rows of the systems written (``source_system``)."""

    def __init__(self, path: Path, schema: pa.Schema, systems: tuple[str, ...]):
        self.writer, self.systems = pcsv.CSVWriter(str(path), schema), systems

    def write_table(self, table: pa.Table) -> None:
        keep = pc.is_in(table.column("source_system"), value_set=pa.array(self.systems))
        self.writer.write_table(table.filter(keep))

    def close(self) -> None:
        self.writer.close()


@dataclass
class TruthFiles:
    """The ground truth the models are scored against.

    ``contacts``: source record -> person_id (identity); ``accounts``: source record ->
    company_id; ``facts``: per company churned_at, has_past_due_invoice, current_plan,
    current_mrr."""

    contacts: TruthWriter
    accounts: TruthWriter
    facts: pcsv.CSVWriter

    def record_people(self, system: str, table: str, ids: pa.Array, person_ids: pa.Array
                      ) -> None:
        _truth_rows(self.contacts, system, table, ids, person_ids, "person_id")

    def record_companies(self, system: str, table: str, ids: pa.Array, company_ids: pa.Array
                         ) -> None:
        _truth_rows(self.accounts, system, table, ids, company_ids, "company_id")

    def close(self) -> None:
        for writer in (self.contacts, self.accounts, self.facts):
            writer.close()


def _truth_rows(writer: TruthWriter, system: str, table: str, ids: pa.Array, who: pa.Array,
                column: str) -> None:
    n = len(ids)
    writer.write_table(pa.table({
        "source_system": pa.array([system] * n), "source_table": pa.array([table] * n),
        "source_record_id": ids.cast(pa.string()), column: who.cast(pa.string()),
    }))


@dataclass
class Campaigns:
    """HubSpot email campaigns (one row each): newsletters, launch waves, nurture steps and
    ghost campaigns (sent, but missing from the campaign export)."""

    id: np.ndarray
    kind: np.ndarray  # NEWSLETTER, LAUNCH, NURTURE, GHOST
    scheduled_at: np.ndarray  # send moment of batch campaigns (0 for nurture steps)
    is_ab_test: np.ndarray
    name: np.ndarray
    subject: np.ndarray
    content_id: np.ndarray
    in_local_time: np.ndarray  # sent by time zone (SEND_BY_TIME_ZONE_SHARE of campaigns)
    local_hour: np.ndarray  # their local send hour (LOCAL_SEND_HOURS)
    sends: np.ndarray  # SENT events so far (filled in by the chunks)


@dataclass
class Company:
    """What every chunk shares: the time window, the staff, support groups, prices,
    campaigns, the writers, and running id counters."""

    seed: int
    scale: str
    end: int  # exclusive end of the simulation (end_date + 1 day, 00:00 UTC)
    window_start: int  # start of the 18-month window
    n_accounts: int
    writer: RawWriter
    truth: TruthFiles
    staff_by_role: dict[str, np.ndarray] = field(default_factory=dict)  # role -> staff indices
    staff_ids: pa.Array | None = None  # Salesforce user ids, by staff index
    agents_by_group: list[np.ndarray] = field(default_factory=list)  # agent indices per group
    agent_ids: np.ndarray | None = None  # Zendesk user ids of the agents, by agent index
    group_ids: np.ndarray | None = None  # Zendesk group ids (Tier 1, Tier 2, Billing)
    price_ids: pa.Array | None = None  # Stripe price ids, index = plan * 2 + annual
    campaigns: Campaigns | None = None
    counters: dict[str, int] = field(default_factory=dict)
    messages: int = 0  # outbound messages simulated (truth: parameters.json)

    def take(self, name: str, n: int) -> int:
        """Reserve ``n`` consecutive numbers of the id sequence ``name``; return the first."""
        start = self.counters.get(name, 0)
        self.counters[name] = start + n
        return start


@dataclass
class Accounts:
    """Customer accounts of the chunk: firmographics, subscription history, owners."""

    company_id: pa.Array  # truth key C000123
    crm_id: pa.Array  # Salesforce account id
    name: pa.Array
    domain_slug: pa.Array
    domain: pa.Array
    has_second_domain: np.ndarray
    second_domain: pa.Array
    start: np.ndarray  # subscription start
    plan_at_start: np.ndarray
    seats_at_start: np.ndarray
    annual: np.ndarray
    pays_by_invoice: np.ndarray  # collection_method send_invoice
    churned: np.ndarray
    churned_at: np.ndarray
    canceled_at: np.ndarray
    active_until: np.ndarray  # churn time, else the end of the simulation
    upgraded: np.ndarray
    upgraded_at: np.ndarray
    current_plan: np.ndarray
    current_seats: np.ndarray
    country: np.ndarray  # index into words.COUNTRIES
    country_code: pa.Array
    country_name: pa.Array
    city: pa.Array
    industry: np.ndarray
    employees: np.ndarray
    success_manager: np.ndarray  # staff indices
    account_manager: np.ndarray
    account_executive: np.ndarray
    owner: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


@dataclass
class People:
    """The people working at the chunk's accounts, and where each one has a record."""

    account: np.ndarray  # chunk-local account index
    person_id: pa.Array  # truth key P00001234
    category: np.ndarray  # index into words.TITLE_CATS (exec, admin, user, billing)
    is_billing_contact: np.ndarray  # the first person of each account
    title_index: np.ndarray  # into TITLES_FLAT
    first_name: pa.Array
    last_name: pa.Array
    canonical_email: pa.Array
    created_at: np.ndarray
    in_crm: np.ndarray
    in_marketing: np.ndarray
    in_support: np.ndarray
    active_from: np.ndarray  # window in which 1:1 outreach and tickets happen
    active_until: np.ndarray
    crm_people: np.ndarray  # people with a Salesforce contact, in contact order
    crm_row_of: np.ndarray  # person -> position in crm_people (-1 if none)
    crm_contact_ids: pa.Array
    duplicate_people: np.ndarray  # people with a second (duplicate) Salesforce contact
    duplicate_ids: pa.Array
    duplicate_of: np.ndarray  # person -> position in duplicate_people (-1 if none)
    billing_person: np.ndarray  # the billing contact of each account
    key_contacts: GroupIndex  # execs and admins with a CRM contact, by account
    crm_contacts: GroupIndex  # everyone with a CRM contact, by account

    def __len__(self) -> int:
        return len(self.account)

    def pick_contact(self, rng: np.random.Generator, accounts: np.ndarray,
                     key_first: bool = True) -> np.ndarray:
        """A CRM contact of each account: a key contact when ``key_first`` and there is one,
        else anyone with a CRM contact (-1 when the account has none)."""
        person = (self.key_contacts.draw(rng, accounts) if key_first
                  else np.full(len(accounts), -1))
        missing = person < 0
        person[missing] = self.crm_contacts.draw(rng, accounts[missing])
        return person


@dataclass
class Billing:
    """Stripe invoices (one row each) and charges of the chunk's subscriptions."""

    months_per_period: np.ndarray  # per account: 12 (annual) or 1
    anchor_month: np.ndarray  # per account: month of the subscription start
    anchor_offset: np.ndarray  # per account: seconds into that month
    has_past_due: np.ndarray  # per account (truth: has_past_due_invoice)
    account: np.ndarray  # per invoice from here on
    period_number: np.ndarray
    period_start: np.ndarray
    period_end: np.ndarray
    total_cents: np.ndarray
    created_at: np.ndarray
    by_invoice: np.ndarray  # sent to the customer (send_invoice) rather than charged
    due_at: np.ndarray
    status: np.ndarray  # paid, open, void, uncollectible, draft
    paid_at: np.ndarray
    past_due: np.ndarray
    ids: pa.Array
    attempts: np.ndarray
    charge_invoice: np.ndarray  # per charge: invoice index
    charge_succeeded: np.ndarray
    charge_at: np.ndarray

    @property
    def paid(self) -> np.ndarray:
        return self.status == "paid"


@dataclass
class Opportunities:
    """Renewals (one per contract anniversary in the window) and upsell attempts."""

    renewal_account: np.ndarray
    renewal_at: np.ndarray
    upsell_account: np.ndarray
    upsell_at: np.ndarray  # first email of the upsell sequence


@dataclass
class Tasks:
    """Salesforce tasks: 1:1 emails, calls and meetings of CSMs, AMs, AEs, billing, marketing."""

    account: np.ndarray
    person: np.ndarray
    at: np.ndarray
    owner: np.ndarray  # staff index
    subtype: np.ndarray  # EMAIL, CALL, MEETING, NOT_A_MESSAGE
    kind: np.ndarray  # CHECKIN ... OTHER_TASK
    opportunity: np.ndarray  # renewal/upsell opportunity index (-1 if none)
    status: np.ndarray  # COMPLETED, NOT_STARTED, IN_PROGRESS
    is_message: np.ndarray  # completed emails and calls: outbound messages

    def __len__(self) -> int:
        return len(self.account)


@dataclass
class Support:
    """Zendesk end-users, tickets and comments."""

    users: np.ndarray  # people with a Zendesk user, in user order
    ticket_user: np.ndarray  # per ticket: position in ``users``
    ticket_person: np.ndarray
    ticket_at: np.ndarray
    ticket_group: np.ndarray  # 0 Tier 1, 1 Tier 2, 2 Billing
    ticket_agent: np.ndarray  # agent index
    ticket_status: np.ndarray  # index into TICKET_STATUSES
    unassigned: np.ndarray
    ticket_updated_at: np.ndarray
    comment_ticket: np.ndarray  # per comment, ordered by ticket then time
    comment_kind: np.ndarray  # REQUESTER_COMMENT, AGENT_REPLY, PRIVATE_NOTE
    comment_at: np.ndarray

    @property
    def replies(self) -> np.ndarray:
        """Public agent replies: outbound messages."""
        return self.comment_kind == AGENT_REPLY


@dataclass
class Marketing:
    """HubSpot contacts and the marketing sends they get (before fatigue filters them)."""

    contacts: np.ndarray  # people with a HubSpot contact, in contact order
    contact_created_at: np.ndarray
    send_contact: np.ndarray  # per send: position in ``contacts``
    send_campaign: np.ndarray
    send_at: np.ndarray
    send_person: np.ndarray


@dataclass
class Fatigue:
    """Who unsubscribed when, and the marketing sends actually made (sorted by time)."""

    unsubscribed_at: np.ndarray  # per person (NULL_TS if never)
    crm_opt_out: np.ndarray  # per person: the opt-out also reached Salesforce
    send_contact: np.ndarray
    send_campaign: np.ndarray
    send_at: np.ndarray
    send_person: np.ndarray
    caused_unsubscribe: np.ndarray  # per send: the send that triggered the unsubscribe


@dataclass
class ChunkState:
    """One chunk of accounts as it moves through the stages."""

    company: Company
    first_account: int  # global index of the chunk's first account
    n_accounts: int
    accounts: Accounts | None = None
    people: People | None = None
    billing: Billing | None = None
    opportunities: Opportunities | None = None
    tasks: Tasks | None = None
    support: Support | None = None
    marketing: Marketing | None = None
    fatigue: Fatigue | None = None
