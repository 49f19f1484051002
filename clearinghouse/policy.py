"""The communication policy evaluator, in Python: one implementation of each rule type of
the registry (seeds/policy_rule_types.csv: name, parameters, semantics, SQL models) shared
by the pre-send check and its tests. `Ledger` has one check `_<rule_type>` per registry
row; a rule of a type the registry does not declare is an error (`UnknownRuleType`).

Vocabulary
- A `Rule` is one active row of the seed `communication_policies`, read from the warehouse;
  nothing here is hard-coded but the meaning of each rule type.
- A `Message` is a sent or planned message: id, contact, account, team, category, channel,
  sent_at (naive UTC) and, for sent messages, sender_id (the CRM user for CRM tasks).
- A rule *counts* a message when its category is in counted_categories, not in
  exempt_categories, and its channel is in channels ('*' = all). Only counted messages can
  violate a rule (as in int_policy__rolling_caps), and only counted messages fill windows.
- `Context` holds what the rules read besides messages: contacts (time zone, opt-out),
  accounts (owner user and team) and support tickets.
- `Ledger` holds the messages known so far, indexed per rule and scope key for window
  queries (sorted lists + bisect: O(log n) per lookup, O(k) for a window of k messages).

Semantics (message m, rule r), every window closed at m and including every message at
m's instant:
- rolling_cap: counted messages to m's contact (scope contact) or to every contact of m's
  account (scope account) in [m - window_days, m] (window_kind rolling) or in m's
  Monday-Sunday week in m's contact's time zone up to m (calendar_week) > max_messages.
- cross_team_collision: distinct teams of the counted messages to m's contact in
  [m - window_hours, m] >= min_teams.
- opted_out_send: m counted and m.sent_at >= the contact's earliest opt-out. A contact
  opted out by a flag only (no time) is treated as opted out from `Context.flag_opt_out_at`
  (the pre-send check sets it to the end of the history; the audit leaves it unset).
- quiet_hours: m counted and m's local hour is in the quiet period (`in_quiet_period`):
  quiet_start_hour == quiet_end_hour means no quiet period; start < end means the hours
  [start, end) (12 and 14: 12:00-13:59 quiet); start > end wraps midnight, hour >= start
  or hour < end (20 and 8: 20:00-07:59 quiet).
- support_aware: m counted and m's account had a ticket of ticket_priorities open at m
  (created_at <= m < solved_at, or not solved), or a CSAT score <= csat_max_score rated in
  [m - lookback_days, m].
- owner_not_looped: m counted, m's account has an owner whose team differs from m's team,
  and the owner (sender_id = owner_user_id) sent the account no message in
  [m - lookback_days, m) -- before m: a touch at m's own instant does not count.

`audit(messages, rules, context)` replays a history (each message against the messages at
or before its instant) and returns every violation; `Ledger.check(candidate)` tells what a
new message would break, including pushing an already-known later message over a window
limit (so that allowed plans never create a violation anywhere).
"""

from __future__ import annotations

import bisect
import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from clearinghouse.paths import PROJECT_ROOT

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
WINDOWED_TYPES = ("rolling_cap", "cross_team_collision")
SELF_CAUSED_TYPES = ("opted_out_send", "quiet_hours", "support_aware", "owner_not_looped")
_US = 1_000_000
_DAY_US = 86_400 * _US
_EPOCH = datetime(1970, 1, 1)
_MAX_ID = "\U0010ffff"


def to_us(moment: datetime) -> int:
    """Naive UTC datetime -> integer microseconds since the epoch (exact)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


RULE_TYPES_CSV = PROJECT_ROOT / "seeds" / "policy_rule_types.csv"


class UnknownRuleType(ValueError):
    """A rule whose rule_type the registry (seeds/policy_rule_types.csv) does not declare."""


@dataclass(frozen=True)
class RuleType:
    """One row of the registry of rule types."""

    rule_type: str
    models: tuple[str, ...]  # the SQL models that implement it
    scopes: frozenset[str]
    window_kinds: frozenset[str]
    required_parameters: tuple[str, ...]
    optional_parameters: tuple[str, ...]
    semantics: str


def load_rule_types(path: Path = RULE_TYPES_CSV) -> dict[str, RuleType]:
    """The registry of rule types, by name."""
    def parts(value: str | None) -> tuple[str, ...]:
        return tuple(part for part in (value or "").split("|") if part)

    with open(path, newline="") as handle:
        return {
            row["rule_type"]: RuleType(
                rule_type=row["rule_type"],
                models=parts(row["models"]),
                scopes=frozenset(parts(row["scopes"])),
                window_kinds=frozenset(parts(row["window_kinds"])),
                required_parameters=parts(row["required_parameters"]),
                optional_parameters=parts(row["optional_parameters"]),
                semantics=row["semantics"],
            )
            for row in csv.DictReader(handle)
        }


RULE_TYPES = load_rule_types()


def _split(value) -> frozenset[str]:
    if value is None or (isinstance(value, float) and value != value):
        return frozenset()
    return frozenset(part.strip() for part in str(value).split("|") if part.strip())


def _int(value) -> int | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return int(value)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    rule_type: str
    scope: str
    description: str
    severity: str
    window_kind: str | None = None
    window_days: int | None = None
    window_hours: int | None = None
    max_messages: int | None = None
    min_teams: int | None = None
    counted_categories: frozenset[str] = frozenset()
    exempt_categories: frozenset[str] = frozenset()
    channels: frozenset[str] | None = None  # None = every channel ('*')
    quiet_start_hour: int | None = None
    quiet_end_hour: int | None = None
    lookback_days: int | None = None
    ticket_priorities: frozenset[str] = frozenset()
    csat_max_score: int | None = None
    category_priority: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: dict) -> Rule:
        """A rule from a row of the policy seed; UnknownRuleType when the registry does not
        declare its type, ValueError when it lacks a parameter its type requires."""
        rule_type = RULE_TYPES.get(row.get("rule_type") or "")
        if rule_type is None:
            raise UnknownRuleType(
                f"rule {row.get('rule_id')!r}: unknown rule_type {row.get('rule_type')!r}; "
                f"seeds/policy_rule_types.csv declares {', '.join(sorted(RULE_TYPES))}"
            )
        missing = [name for name in rule_type.required_parameters
                   if row.get(name) is None or row.get(name) == ""
                   or (isinstance(row.get(name), float) and row.get(name) != row.get(name))]
        if missing:
            raise ValueError(f"rule {row.get('rule_id')!r} ({rule_type.rule_type}) lacks "
                             f"{', '.join(missing)}")
        channels = _split(row.get("channels"))
        return cls(
            rule_id=row["rule_id"],
            rule_type=row["rule_type"],
            scope=row.get("scope") or "contact",
            description=row.get("description") or "",
            severity=row.get("severity") or "low",
            window_kind=row.get("window_kind") or None,
            window_days=_int(row.get("window_days")),
            window_hours=_int(row.get("window_hours")),
            max_messages=_int(row.get("max_messages")),
            min_teams=_int(row.get("min_teams")),
            counted_categories=_split(row.get("counted_categories")),
            exempt_categories=_split(row.get("exempt_categories")),
            channels=None if not channels or "*" in channels else channels,
            quiet_start_hour=_int(row.get("quiet_start_hour")),
            quiet_end_hour=_int(row.get("quiet_end_hour")),
            lookback_days=_int(row.get("lookback_days")),
            ticket_priorities=_split(row.get("ticket_priorities")),
            csat_max_score=_int(row.get("csat_max_score")),
            category_priority=tuple(
                part.strip() for part in str(row.get("category_priority") or "").split("|")
                if part.strip()
            ),
        )

    def counts(self, message: Message) -> bool:
        return (
            message.category in self.counted_categories
            and message.category not in self.exempt_categories
            and (self.channels is None or message.channel in self.channels)
        )

    def scope_key(self, message: Message) -> str | None:
        return message.account_id if self.scope == "account" else message.contact_id

    @property
    def reach_us(self) -> int:
        """How far after a message its presence can matter to another message's window."""
        if self.rule_type == "cross_team_collision":
            return (self.window_hours or 0) * 3600 * _US
        if self.window_kind == "calendar_week":
            return 8 * _DAY_US  # a local week, plus any UTC offset
        return (self.window_days or 0) * _DAY_US

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 0)


def load_rules(connection) -> list[Rule]:
    """The active rules of the seed table communication_policies, most severe first."""
    cursor = connection.execute(
        "select * from communication_policies where cast(is_active as boolean) order by rule_id"
    )
    names = [column[0] for column in cursor.description]
    rules = [Rule.from_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
    return sorted(rules, key=lambda rule: (-rule.severity_rank, rule.rule_id))


def category_priority(rules: Iterable[Rule]) -> tuple[str, ...]:
    """The categories, most important first: the rules' category_priority lists merged in
    rule order (they are the same list in the shipped seed)."""
    ordered: list[str] = []
    for rule in rules:
        for category in rule.category_priority:
            if category not in ordered:
                ordered.append(category)
    return tuple(ordered)


@dataclass(frozen=True)
class Message:
    message_id: str
    contact_id: str
    account_id: str | None
    team: str
    category: str
    channel: str
    sent_at: datetime  # naive UTC
    sender_id: str | None = None

    @property
    def us(self) -> int:
        return to_us(self.sent_at)


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    priority: str | None
    created_at: datetime | None
    solved_at: datetime | None
    satisfaction_score: int | None
    rated_at: datetime | None


@dataclass
class Context:
    """Contacts: contact_id -> (time_zone, opted_out_at, is_opted_out); accounts:
    account_id -> (owner_user_id, owner_team); tickets: account_id -> [Ticket]."""

    contacts: dict[str, tuple[str, datetime | None, bool]] = field(default_factory=dict)
    accounts: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    tickets: dict[str, list[Ticket]] = field(default_factory=dict)
    flag_opt_out_at: datetime | None = None

    def time_zone(self, contact_id: str) -> str:
        entry = self.contacts.get(contact_id)
        return (entry[0] if entry else None) or "UTC"

    def opted_out_at(self, contact_id: str) -> datetime | None:
        entry = self.contacts.get(contact_id)
        if entry is None:
            return None
        if entry[1] is not None:
            return entry[1]
        return self.flag_opt_out_at if entry[2] else None


def load_context(connection) -> Context:
    """Contacts, accounts and tickets from the built warehouse (marts + int_support)."""
    context = Context()
    for contact_id, time_zone, opted_out_at, is_opted_out in connection.execute(
        "select contact_id, time_zone, opted_out_at, coalesce(is_opted_out, false) "
        "from dim_contacts"
    ).fetchall():
        context.contacts[contact_id] = (time_zone, opted_out_at, bool(is_opted_out))
    for account_id, owner_user_id, owner_team in connection.execute(
        "select account_id, owner_user_id, owner_team from dim_accounts"
    ).fetchall():
        context.accounts[account_id] = (owner_user_id, owner_team)
    tickets: dict[str, list[Ticket]] = defaultdict(list)
    for row in connection.execute(
        "select account_id, ticket_id, priority, created_at, solved_at, satisfaction_score, "
        "rated_at from int_support__tickets where account_id is not null"
    ).fetchall():
        tickets[row[0]].append(Ticket(*row[1:]))
    context.tickets = dict(tickets)
    return context


def load_history(connection) -> list[Message]:
    """Every message of fct_communications, in sent_at then message_id order."""
    return [
        Message(*row)
        for row in connection.execute(
            "select message_id, contact_id, account_id, team, category, channel, sent_at, "
            "sender_id from fct_communications where sent_at is not null and contact_id "
            "is not null order by sent_at, message_id"
        ).fetchall()
    ]


@dataclass(frozen=True)
class Violation:
    message_id: str
    rule_id: str
    rule_type: str
    severity: str
    window_start: datetime | None
    window_end: datetime | None
    messages_in_window: int | None
    message_ids_in_window: tuple[str, ...]  # counted messages in the window, m included
    caused_by: tuple[str, ...]  # the messages that cause it (m itself for one-message rules)
    reason: str


@lru_cache(maxsize=64)
def zone_info(name: str) -> ZoneInfo:
    """The IANA time zone `name`; UTC when it is unknown or empty."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def in_quiet_period(hour: int, start: int, end: int) -> bool:
    """Is a local hour (0-23) in the quiet period of quiet_start_hour/quiet_end_hour, as in
    int_policy__quiet_hours: start == end means no quiet period; start < end means
    [start, end) (12 and 14: 12:00:00-13:59:59); start > end wraps midnight, hour >= start
    or hour < end (20 and 8: 20:00:00-07:59:59)."""
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


def local_time(moment: datetime, time_zone: str) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone_info(time_zone)).replace(tzinfo=None)


def local_week_start_utc(moment: datetime, time_zone: str) -> datetime:
    """UTC instant of the Monday 00:00 (local) that starts moment's local week."""
    local = local_time(moment, time_zone)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday.replace(tzinfo=zone_info(time_zone)).astimezone(UTC).replace(tzinfo=None)


class Ledger:
    """The messages known so far, indexed for the rules' window queries."""

    def __init__(self, rules: list[Rule], context: Context):
        self.rules = rules
        self.context = context
        self.messages: dict[str, Message] = {}
        # (rule_id, scope key) -> sorted [(us, message_id)] of the messages the rule counts
        self._windows: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        # account_id -> sorted [(us, message_id)] of the account owner's own messages
        self._owner: dict[str, list[tuple[int, str]]] = defaultdict(list)

    def _keys(self, message: Message):
        for rule in self.rules:
            if rule.rule_type in WINDOWED_TYPES and rule.counts(message):
                key = rule.scope_key(message)
                if key is not None:
                    yield (rule.rule_id, key)

    def _owner_key(self, message: Message) -> str | None:
        account = self.context.accounts.get(message.account_id or "")
        if account and account[0] and message.sender_id == account[0]:
            return message.account_id
        return None

    def add(self, message: Message) -> None:
        if message.message_id in self.messages:
            raise ValueError(f"duplicate message id {message.message_id}")
        self.messages[message.message_id] = message
        entry = (message.us, message.message_id)
        for key in self._keys(message):
            bisect.insort(self._windows[key], entry)
        owner_key = self._owner_key(message)
        if owner_key is not None:
            bisect.insort(self._owner[owner_key], entry)

    def remove(self, message: Message) -> None:
        del self.messages[message.message_id]
        entry = (message.us, message.message_id)
        for key in self._keys(message):
            entries = self._windows[key]
            entries.pop(bisect.bisect_left(entries, entry))
        owner_key = self._owner_key(message)
        if owner_key is not None:
            entries = self._owner[owner_key]
            entries.pop(bisect.bisect_left(entries, entry))

    def _window(self, key: tuple[str, str], start_us: int, end_us: int) -> list[str]:
        """Ids of the indexed messages with start <= us <= end, by time then id."""
        entries = self._windows.get(key, [])
        low = bisect.bisect_left(entries, (start_us, ""))
        high = bisect.bisect_right(entries, (end_us, _MAX_ID))
        return [message_id for _, message_id in entries[low:high]]

    # -- one message against the ledger -------------------------------------------------
    def evaluate(self, message: Message, rules: Iterable[Rule] | None = None) -> list[Violation]:
        """The rules message breaks, given the ledger (which must contain it for windowed
        rules). Only messages at or before its instant are looked at."""
        found = []
        for rule in rules if rules is not None else self.rules:
            if not rule.counts(message):
                continue
            violation = self._check(rule.rule_type)(rule, message)
            if violation is not None:
                found.append(violation)
        return found

    def _check(self, rule_type: str):
        """The check of a registry rule type (dispatch driven by the registry)."""
        if rule_type not in RULE_TYPES:
            raise UnknownRuleType(f"unknown rule_type {rule_type!r}; seeds/policy_rule_types.csv "
                                  f"declares {', '.join(sorted(RULE_TYPES))}")
        return getattr(self, f"_{rule_type}")

    def _violation(self, rule, message, reason, start=None, ids=(), caused_by=None):
        return Violation(
            message_id=message.message_id,
            rule_id=rule.rule_id,
            rule_type=rule.rule_type,
            severity=rule.severity,
            window_start=start,
            window_end=message.sent_at if start is not None else None,
            messages_in_window=len(ids) if start is not None else None,
            message_ids_in_window=tuple(ids),
            caused_by=tuple(caused_by) if caused_by else (message.message_id,),
            reason=reason,
        )

    def _rolling_cap(self, rule: Rule, message: Message) -> Violation | None:
        key = rule.scope_key(message)
        if key is None or rule.max_messages is None:
            return None
        if rule.window_kind == "calendar_week":
            time_zone = self.context.time_zone(message.contact_id)
            start = local_week_start_utc(message.sent_at, time_zone)
            span = f"calendar week (Monday-Sunday, {time_zone})"
        else:
            start = message.sent_at - timedelta(days=rule.window_days or 0)
            span = f"{rule.window_days} days"
        ids = self._window((rule.rule_id, key), to_us(start), message.us)
        if len(ids) <= rule.max_messages:
            return None
        others = [message_id for message_id in ids if message_id != message.message_id]
        return self._violation(
            rule, message,
            f"{len(ids)} counted messages to this {rule.scope} in the {span} up to this one "
            f"(cap {rule.max_messages})",
            start, ids, others,
        )

    def _cross_team_collision(self, rule: Rule, message: Message) -> Violation | None:
        if rule.min_teams is None or rule.window_hours is None:
            return None
        start = message.sent_at - timedelta(hours=rule.window_hours)
        ids = self._window((rule.rule_id, message.contact_id), to_us(start), message.us)
        teams = sorted({self.messages[message_id].team for message_id in ids})
        if len(teams) < rule.min_teams:
            return None
        others = [
            message_id for message_id in ids if self.messages[message_id].team != message.team
        ]
        return self._violation(
            rule, message,
            f"{len(teams)} teams ({', '.join(teams)}) message this contact within "
            f"{rule.window_hours} hours (limit: fewer than {rule.min_teams})",
            start, ids, others,
        )

    def _opted_out_send(self, rule: Rule, message: Message) -> Violation | None:
        opted_out_at = self.context.opted_out_at(message.contact_id)
        if opted_out_at is None or message.sent_at < opted_out_at:
            return None
        return self._violation(
            rule, message, f"the contact opted out at {opted_out_at:%Y-%m-%d %H:%M:%S} UTC"
        )

    def _quiet_hours(self, rule: Rule, message: Message) -> Violation | None:
        if rule.quiet_start_hour is None or rule.quiet_end_hour is None:
            return None
        time_zone = self.context.time_zone(message.contact_id)
        local = local_time(message.sent_at, time_zone)
        if not in_quiet_period(local.hour, rule.quiet_start_hour, rule.quiet_end_hour):
            return None
        return self._violation(
            rule, message,
            f"{local:%H:%M} local time ({time_zone}) is inside the quiet hours "
            f"{rule.quiet_start_hour:02d}:00-{rule.quiet_end_hour:02d}:00",
        )

    def _support_aware(self, rule: Rule, message: Message) -> Violation | None:
        tickets = self.context.tickets.get(message.account_id or "", [])
        since = message.sent_at - timedelta(days=rule.lookback_days or 0)
        open_ids, low_csat = [], []
        for ticket in tickets:
            if (
                ticket.priority in rule.ticket_priorities
                and ticket.created_at is not None
                and ticket.created_at <= message.sent_at
                and (ticket.solved_at is None or ticket.solved_at > message.sent_at)
            ):
                open_ids.append(ticket.ticket_id)
            if (
                rule.csat_max_score is not None
                and ticket.satisfaction_score is not None
                and ticket.satisfaction_score <= rule.csat_max_score
                and ticket.rated_at is not None
                and since <= ticket.rated_at <= message.sent_at
            ):
                low_csat.append(ticket.ticket_id)
        if not open_ids and not low_csat:
            return None
        parts = []
        if open_ids:
            parts.append(
                f"open {'/'.join(sorted(rule.ticket_priorities))} ticket(s) "
                f"{', '.join(sorted(open_ids))}"
            )
        if low_csat:
            parts.append(
                f"CSAT <= {rule.csat_max_score} in the last {rule.lookback_days} days on "
                f"ticket(s) {', '.join(sorted(low_csat))}"
            )
        return self._violation(rule, message, "the account has " + " and ".join(parts))

    def _owner_not_looped(self, rule: Rule, message: Message) -> Violation | None:
        owner_user_id, owner_team = self.context.accounts.get(message.account_id or "", (None,) * 2)
        if owner_user_id is None or owner_team is None or message.team == owner_team:
            return None
        start = message.sent_at - timedelta(days=rule.lookback_days or 0)
        entries = self._owner.get(message.account_id, [])
        low = bisect.bisect_left(entries, (to_us(start), ""))
        high = bisect.bisect_left(entries, (message.us, ""))  # strictly before m
        if high > low:
            return None
        return self._violation(
            rule, message,
            f"team {message.team} reaches an account owned by {owner_team} and the owner "
            f"sent it no message in the {rule.lookback_days} days before",
        )

    # -- a candidate -----------------------------------------------------------------
    def check(self, candidate: Message) -> list[Violation]:
        """What adding candidate would break: its own violations, plus, for windowed rules,
        any known message after it in its window that it would newly push over a limit
        (attributed to the candidate, caused by that message and its window)."""
        self.add(candidate)
        try:
            found = {violation.rule_id: violation for violation in self.evaluate(candidate)}
            for rule in self.rules:
                if rule.rule_id in found or rule.rule_type not in WINDOWED_TYPES:
                    continue
                if not rule.counts(candidate) or rule.scope_key(candidate) is None:
                    continue
                knock_on = self._knock_on(rule, candidate)
                if knock_on is not None:
                    found[rule.rule_id] = knock_on
        finally:
            self.remove(candidate)
        return sorted(found.values(), key=_severity_order(self.rules))

    def _knock_on(self, rule: Rule, candidate: Message) -> Violation | None:
        key = (rule.rule_id, rule.scope_key(candidate))
        later = self._window(key, candidate.us, candidate.us + rule.reach_us)
        for message_id in later:
            if message_id == candidate.message_id:
                continue
            other = self.messages[message_id]
            with_candidate = self.evaluate(other, [rule])
            if not with_candidate:
                continue
            self.remove(candidate)
            try:
                without = self.evaluate(other, [rule])
            finally:
                self.add(candidate)
            if without:
                continue  # already broken before the candidate: not its doing
            violation = with_candidate[0]
            caused = [message_id] + [
                other_id for other_id in violation.caused_by
                if other_id not in (message_id, candidate.message_id)
            ]
            return Violation(
                message_id=candidate.message_id,
                rule_id=rule.rule_id,
                rule_type=rule.rule_type,
                severity=rule.severity,
                window_start=violation.window_start,
                window_end=violation.window_end,
                messages_in_window=violation.messages_in_window,
                message_ids_in_window=violation.message_ids_in_window,
                caused_by=tuple(caused),
                reason=f"it would make {message_id} (sent later) break the rule: "
                + violation.reason,
            )
        return None


def _severity_order(rules: list[Rule]):
    position = {rule.rule_id: index for index, rule in enumerate(rules)}
    return lambda violation: position.get(violation.rule_id, len(position))


def audit(messages: Iterable[Message], rules: list[Rule], context: Context) -> list[Violation]:
    """Every violation of a history: each message against the messages at or before its
    instant (windows only look back, so evaluating against the full ledger is the same)."""
    ledger = Ledger(rules, context)
    messages = list(messages)
    for message in messages:
        ledger.add(message)
    return [violation for message in messages for violation in ledger.evaluate(message)]


_UNIMPLEMENTED = sorted(name for name in RULE_TYPES if not hasattr(Ledger, f"_{name}"))
if _UNIMPLEMENTED:
    raise RuntimeError(f"seeds/policy_rule_types.csv declares rule types with no Python check "
                       f"in clearinghouse.policy.Ledger: {', '.join(_UNIMPLEMENTED)}")


# -- the earliest allowed time of a suppressed message ---------------------------------
EARLIEST_HORIZON_DAYS = 60


def _local_at(day, hour: int, time_zone: str) -> datetime:
    """UTC instant of `hour`:00 local time on the local date `day`."""
    local = datetime(day.year, day.month, day.day, hour)
    return local.replace(tzinfo=zone_info(time_zone)).astimezone(UTC).replace(tzinfo=None)


def _candidate_times(ledger: Ledger, message: Message, horizon_us: int) -> list[int]:
    """The instants (us) at or after message's own time where one rule's verdict on a
    message to this contact/account can turn from broken to kept: a message leaving a
    rolling window (its time + window + 1 us), a message passed (its time + 1 us: a later
    message's window no longer holds the candidate), the next local Monday 00:00
    (calendar weeks), the end of the quiet hours, a ticket's solve time, a low CSAT leaving
    its lookback, an owner touch (owner_not_looped)."""
    start_us, end_us = message.us, message.us + horizon_us
    times = {start_us}
    time_zone = ledger.context.time_zone(message.contact_id)
    days = (end_us - start_us) // _DAY_US + 2
    for rule in ledger.rules:
        if not rule.counts(message):
            continue
        if rule.rule_type in WINDOWED_TYPES:
            key = rule.scope_key(message)  # as Ledger._keys indexes it
            if key is None:
                continue
            width = rule.reach_us if rule.window_kind != "calendar_week" else 0
            entries = ledger._windows.get((rule.rule_id, key), [])
            low = bisect.bisect_left(entries, (start_us - rule.reach_us, ""))
            high = bisect.bisect_right(entries, (end_us, _MAX_ID))
            for us, _ in entries[low:high]:
                times.add(us + width + 1)
                times.add(us + 1)
            if rule.window_kind == "calendar_week":
                for week in range(days // 7 + 2):
                    times.add(to_us(local_week_start_utc(
                        message.sent_at + timedelta(days=7 * week), time_zone)))
        elif rule.rule_type == "quiet_hours" and rule.quiet_end_hour is not None:
            first = local_time(message.sent_at, time_zone).date()
            for offset in range(days + 1):
                times.add(to_us(_local_at(first + timedelta(days=offset),
                                          rule.quiet_end_hour, time_zone)))
        elif rule.rule_type == "support_aware":
            for ticket in ledger.context.tickets.get(message.account_id or "", []):
                if ticket.solved_at is not None:
                    times.add(to_us(ticket.solved_at))
                if ticket.rated_at is not None:
                    times.add(to_us(ticket.rated_at
                                    + timedelta(days=rule.lookback_days or 0)) + 1)
        elif rule.rule_type == "owner_not_looped":
            for us, _ in ledger._owner.get(message.account_id or "", []):
                times.add(us + 1)
    return sorted(time for time in times if start_us <= time <= end_us)


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def earliest_allowed_at(ledger: Ledger, message: Message,
                        horizon_days: int = EARLIEST_HORIZON_DAYS
                        ) -> tuple[datetime | None, str]:
    """The earliest time at or after message.sent_at at which `ledger.check` allows the
    message (it breaks no rule and pushes no known later message over a limit), given the
    messages in the ledger (which must not contain it), searched up to horizon_days later.
    Returns (time, "") or (None, why not). Candidate instants come from the rules (see
    _candidate_times) and each is checked with the evaluator itself, in time order, so
    the first allowed candidate is the earliest allowed instant."""
    if message.message_id in ledger.messages:
        raise ValueError(f"{message.message_id} is in the ledger already")
    first = ledger.check(message)
    never = [violation for violation in first if violation.rule_type == "opted_out_send"]
    if never:
        return None, f"never: {never[0].rule_id}: {never[0].reason}"
    last = first
    for us in _candidate_times(ledger, message, horizon_days * _DAY_US):
        moved = Message(message.message_id, message.contact_id, message.account_id,
                        message.team, message.category, message.channel, _from_us(us),
                        message.sender_id)
        last = ledger.check(moved)
        if not last:
            return moved.sent_at, ""
    return None, (
        f"not within {horizon_days} days: "
        + "; ".join(f"{violation.rule_id}: {violation.reason}" for violation in last)
    )
