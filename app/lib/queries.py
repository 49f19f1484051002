"""Every query the dashboard runs, one function per question, returning DataFrames or dicts.

Pages call these functions and never write SQL. The rules (DESIGN.md, the app):

* The app reads marts only (``db.MART_TABLES``). Anything computed per row or per group that
  is not a user's filter belongs in a mart (e.g. ``rpt_violation_teams``), not here.
* SQL text is fixed when this module is imported: the WHERE clause of each query comes from
  one :class:`Where` (which column each sidebar filter constrains), and every value the user
  picks travels as a bound ``$name`` parameter built by :meth:`Where.params`.
* To add a page: put its queries here (a constant for the SQL, a function that binds the
  parameters), and keep the page file to widgets and layout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lib import db

# --- the filter builder ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the user picked in the sidebar. An empty selection means "no filter"."""

    start: dt.date
    end: dt.date
    teams: Sequence[str] = ()
    rules: Sequence[str] = ()
    severities: Sequence[str] = ()
    regions: Sequence[str] = ()
    segments: Sequence[str] = ()


@dataclass(frozen=True)
class Where:
    """Which column of one query each filter constrains; builds the clause and its parameters.

    ``day``: a timestamp or date column kept when its UTC day is in [start, end].
    ``week``: a week-start (Monday) date column kept when the week overlaps [start, end].
    ``team`` / ``rule`` / ``severity``: varchar columns kept when in the picked values (all
    values when nothing is picked). ``account``: an account-id column, kept when the account
    is in a picked region (dim_accounts.region) and in a picked segment
    (fct_segment_membership). Filters without a column are not applied.

    ``str(where)`` (or ``where.sql``) is the clause, for the query text at import time;
    ``where.params(filters)`` are exactly the parameters that clause binds.
    """

    day: str | None = None
    week: str | None = None
    team: str | None = None
    rule: str | None = None
    severity: str | None = None
    account: str | None = None

    def _predicates(self) -> list[tuple[str, str]]:
        """(filter name, predicate) for every filter this query applies."""
        predicates = []
        if self.day:
            predicates.append(
                ("dates", f"{self.day} >= $start::date and {self.day} < $end::date + 1")
            )
        if self.week:
            predicates.append(
                ("dates", f"{self.week} between date_trunc('week', $start::date) and $end::date")
            )
        for name, column in (
            ("teams", self.team),
            ("rules", self.rule),
            ("severities", self.severity),
        ):
            if column:
                predicates.append(
                    (name, f"(len(${name}::varchar[]) = 0 or {column} = any(${name}::varchar[]))")
                )
        if self.account:
            predicates.append(
                (
                    "regions",
                    f"(len($regions::varchar[]) = 0 or {self.account} in (select account_id "
                    "from dim_accounts where region = any($regions::varchar[])))",
                )
            )
            predicates.append(
                (
                    "segments",
                    f"(len($segments::varchar[]) = 0 or {self.account} in (select account_id "
                    "from fct_segment_membership where segment_id = any($segments::varchar[])))",
                )
            )
        return predicates

    @property
    def sql(self) -> str:
        clauses = [predicate for _, predicate in self._predicates()]
        return "\n  and ".join(clauses) if clauses else "true"

    def __str__(self) -> str:
        return self.sql

    def params(self, filters: Filters, **extra: Any) -> dict[str, Any]:
        """The bound values of this clause, plus ``extra`` (e.g. ``limit``, ``contact_id``)."""
        values: dict[str, Any] = {}
        for name, _ in self._predicates():
            if name == "dates":
                values.update(start=filters.start, end=filters.end)
            else:
                values[name] = list(getattr(filters, name))
        return {**values, **extra}


# --- every page: the sidebar's data-health captions ------------------------------------------

# Not in db.MART_TABLES: a warehouse built before these marts existed still serves the app
# (the caption is then left out).
LOAD_TOTALS_SQL = """
select
    sum(rows_in_file) as rows_in,
    sum(rows_loaded) as loaded,
    sum(rows_rejected) as rejected,
    sum(rows_excluded) as excluded
from rpt_load_reconciliation
"""

FEATURE_STATUS_SQL = """
select
    count(case when status = 'off' then 1 end) as off,
    count(case when status = 'degraded' then 1 end) as degraded
from rpt_feature_coverage
"""


def load_totals() -> dict[str, Any]:
    """Raw rows read, loaded, rejected and excluded, over every raw table."""
    return db.scalar_row(LOAD_TOTALS_SQL)


def feature_status_counts() -> dict[str, Any]:
    """How many features are off or degraded (rpt_feature_coverage)."""
    return db.scalar_row(FEATURE_STATUS_SQL)


# --- overview ----------------------------------------------------------------------------------

WAREHOUSE_TOTALS_SQL = """
select
    (select count(*) from dim_accounts) as accounts,
    (select count(*) from dim_contacts) as contacts,
    (select count(*) from fct_communications) as messages,
    (select count(distinct contact_id) from fct_cadence_violations) as contacts_with_violations,
    (select count(*) from fct_cadence_violations) as violations
"""

MESSAGE_WEEKS_SQL = """
select min(week_start) as first_week, max(week_start) as last_week
from rpt_messages_by_team_week
"""

MESSAGE_TEAMS_SQL = """
select distinct team from rpt_messages_by_team_week where team is not null order by team
"""

# Messages per week (rpt_messages_by_team_week) and violations per week (rpt_violations_by_week).
WEEKLY = Where(week="week_start", team="team")


def weekly_totals_sql(table: str, measure: str, by: str) -> str:
    """Sum of ``measure`` in a weekly report ``table`` by the columns ``by``, over the weeks
    and teams of WEEKLY (the query text is built once, at import)."""
    return f"""
select {by}, sum({measure})::bigint as {measure}
from {table}
where {WEEKLY}
group by {by}
order by {by}
"""


MESSAGES_BY_WEEK_SQL = weekly_totals_sql(
    "rpt_messages_by_team_week", "message_count", "week_start, team"
)
VIOLATIONS_BY_WEEK_SQL = weekly_totals_sql(
    "rpt_violations_by_week", "violation_count", "week_start, rule_id"
)
MESSAGES_BY_CATEGORY_SQL = weekly_totals_sql(
    "rpt_messages_by_team_week", "message_count", "category, team"
)


def warehouse_totals() -> dict[str, Any]:
    return db.scalar_row(WAREHOUSE_TOTALS_SQL)


def message_weeks() -> tuple[dt.date | None, dt.date | None]:
    """First and last week (Mondays) with messages, or Nones in an empty warehouse."""
    bounds = db.scalar_row(MESSAGE_WEEKS_SQL)
    return to_date(bounds.get("first_week")), to_date(bounds.get("last_week"))


def message_teams() -> list[str]:
    return db.query(MESSAGE_TEAMS_SQL)["team"].tolist()


def messages_by_week(filters: Filters) -> pd.DataFrame:
    return db.query(MESSAGES_BY_WEEK_SQL, WEEKLY.params(filters))


def violations_by_week(filters: Filters) -> pd.DataFrame:
    return db.query(VIOLATIONS_BY_WEEK_SQL, WEEKLY.params(filters))


def messages_by_category(filters: Filters) -> pd.DataFrame:
    return db.query(MESSAGES_BY_CATEGORY_SQL, WEEKLY.params(filters))


# --- violations --------------------------------------------------------------------------------

# Violations (fct_cadence_violations as v): rule, severity, the team of the offending message
# and the UTC day it was sent.
VIOLATIONS = Where(
    day="v.sent_at",
    team="v.team",
    rule="v.rule_id",
    severity="v.severity",
    account="v.account_id",
)

VIOLATION_DAYS_SQL = """
select min(sent_at)::date as first_day, max(sent_at)::date as last_day
from fct_cadence_violations
"""

VIOLATION_RULES_SQL = """
select rule_id, min(rule_description) as rule_description
from fct_cadence_violations
group by rule_id
order by rule_id
"""

VIOLATION_SEVERITIES_SQL = """
select severity
from fct_cadence_violations
where severity is not null
group by severity
order by case severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 end, severity
"""

SENDING_TEAMS_SQL = """
select distinct team from fct_communications where team is not null order by team
"""

VIOLATION_SUMMARY_SQL = f"""
select
    count(*) as violations,
    count(distinct v.contact_id) as contacts,
    count(distinct v.account_id) as accounts,
    max(v.messages_in_window) as max_messages_in_window
from fct_cadence_violations as v
where {VIOLATIONS}
"""

# Teams involved: every team with a counted message in the windows of the contact's
# filtered violations (rpt_violation_teams: one row per violation and team).
RANKED_CONTACTS_SQL = f"""
with filtered as (
    select v.*
    from fct_cadence_violations as v
    where {VIOLATIONS}
),

per_contact as (
    select
        contact_id,
        count(*) as violations,
        max(messages_in_window) as max_messages_in_window,
        max(team_count_in_window) as max_teams_in_window,
        max(sent_at) as last_violation_at
    from filtered
    group by contact_id
),

teams as (
    select
        vt.contact_id,
        string_agg(distinct vt.team, ',' order by vt.team) as teams
    from rpt_violation_teams as vt
    where vt.violation_id in (select violation_id from filtered)
    group by vt.contact_id
)

select
    p.contact_id,
    c.email,
    c.full_name,
    a.account_name,
    p.violations,
    p.max_messages_in_window,
    p.max_teams_in_window,
    t.teams,
    c.is_opted_out,
    p.last_violation_at
from per_contact as p
left join teams as t on t.contact_id = p.contact_id
left join dim_contacts as c on c.contact_id = p.contact_id
left join dim_accounts as a on a.account_id = c.account_id
order by p.violations desc, p.max_messages_in_window desc, c.email, p.contact_id
limit $limit
"""

CONTACT_PROFILE_SQL = """
select
    c.contact_id, c.email, c.full_name, c.title, c.is_opted_out, c.opted_out_at,
    a.account_name, a.plan, a.owner_name, a.owner_team
from dim_contacts as c
left join dim_accounts as a on a.account_id = c.account_id
where c.contact_id = $contact_id
"""

CONTACT_VIOLATIONS_SQL = f"""
select
    v.violation_id,
    v.sent_at,
    v.rule_id,
    v.rule_description,
    v.severity,
    v.team,
    v.category,
    v.messages_in_window,
    v.max_messages,
    v.team_count_in_window,
    v.teams_in_window,
    v.window_start,
    v.window_end,
    v.message_id,
    v.message_ids_in_window,
    v.reason
from fct_cadence_violations as v
where v.contact_id = $contact_id
  and {VIOLATIONS}
order by v.sent_at desc, v.rule_id, v.violation_id
"""

WINDOW_MESSAGES_SQL = """
select
    m.sent_at,
    m.team,
    m.category,
    m.channel,
    m.sender,
    m.subject,
    m.campaign_id,
    m.source_system,
    m.message_id,
    m.message_id = $violating_message_id as broke_the_rule
from fct_communications as m
where m.message_id = any($message_ids::varchar[])
order by m.sent_at, m.message_id
"""


def violation_days() -> tuple[dt.date | None, dt.date | None]:
    """First and last UTC day with a violation, or Nones when there is none."""
    bounds = db.scalar_row(VIOLATION_DAYS_SQL)
    return to_date(bounds.get("first_day")), to_date(bounds.get("last_day"))


def violation_rules() -> dict[str, str]:
    """Rule id -> rule in words, for the rules that have violations."""
    rules = db.query(VIOLATION_RULES_SQL)
    return {
        rule_id: description if isinstance(description, str) else ""
        for rule_id, description in zip(rules["rule_id"], rules["rule_description"], strict=True)
    }


def violation_severities() -> list[str]:
    return db.query(VIOLATION_SEVERITIES_SQL)["severity"].tolist()


def sending_teams() -> list[str]:
    return db.query(SENDING_TEAMS_SQL)["team"].tolist()


def violation_summary(filters: Filters) -> dict[str, Any]:
    return db.scalar_row(VIOLATION_SUMMARY_SQL, VIOLATIONS.params(filters))


def ranked_contacts(filters: Filters, limit: int) -> pd.DataFrame:
    """The most over-contacted contacts: violations, worst window, teams involved."""
    return db.query(RANKED_CONTACTS_SQL, VIOLATIONS.params(filters, limit=limit))


def contact_profile(contact_id: str) -> dict[str, Any]:
    return db.scalar_row(CONTACT_PROFILE_SQL, {"contact_id": contact_id})


def contact_violations(filters: Filters, contact_id: str) -> pd.DataFrame:
    return db.query(CONTACT_VIOLATIONS_SQL, VIOLATIONS.params(filters, contact_id=contact_id))


def window_messages(message_ids: Sequence[str], violating_message_id: str) -> pd.DataFrame:
    """The messages a violation counted (by id), oldest first; broke_the_rule marks its own."""
    return db.query(
        WINDOW_MESSAGES_SQL,
        {"message_ids": list(message_ids), "violating_message_id": violating_message_id},
    )


def to_date(value: object) -> dt.date | None:
    """A date, timestamp or NULL from a query as a date (None for NULL)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


# --- customer 360 ------------------------------------------------------------------------------

CUSTOMER_360_TABLES = (
    "fct_account_stage_history",
    "fct_segment_membership",
    "fct_ticket_service_levels",
)

# Accounts matching by name or domain, and contacts matching by name or email (with their
# account); $pattern is an ILIKE pattern with \ escaping the user's own % and _.
SEARCH_SQL = r"""
select * from (
    select
        'account:' || a.account_id as match_key,
        a.account_id,
        null::varchar as contact_id,
        a.account_name,
        a.primary_domain,
        null::varchar as full_name,
        null::varchar as email,
        0 as kind_order
    from dim_accounts as a
    where a.account_name ilike $pattern escape '\'
       or a.primary_domain ilike $pattern escape '\'
    union all
    select
        'contact:' || c.contact_id,
        c.account_id,
        c.contact_id,
        a.account_name,
        a.primary_domain,
        c.full_name,
        c.email,
        1
    from dim_contacts as c
    left join dim_accounts as a on a.account_id = c.account_id
    where c.full_name ilike $pattern escape '\'
       or c.email ilike $pattern escape '\'
)
order by kind_order, account_name, full_name, email, match_key
limit $limit
"""

ACCOUNT_360_SQL = """
select
    account_id, account_name, account_name_source, primary_domain, primary_domain_source,
    industry, industry_source, region, country, country_source, owner_name, owner_team,
    owner_source, plan, arr, next_renewal_date, has_scheduled_cancellation, past_due_balance,
    past_due_invoice_count, open_ticket_count, csat_average, csat_count, engagement_score,
    engagement_trend, journey_stage, stage_entered_at, stage_rule,
    last_touch_marketing_at, last_touch_customer_success_at, last_touch_account_management_at,
    last_touch_sales_at, last_touch_support_at, last_touch_billing_at,
    salesforce_account_ids, stripe_customer_ids, zendesk_organization_ids
from dim_accounts
where account_id = $account_id
"""

STAGE_HISTORY_SQL = """
select spell_number, journey_stage, entry_rule, entered_at, exited_at, days_in_stage, is_current
from fct_account_stage_history
where account_id = $account_id
order by spell_number
"""

ACCOUNT_PEOPLE_SQL = """
select
    contact_id, full_name, email, title, persona, engagement_score, messages_30d_total,
    last_touch_at, last_touch_team, is_opted_out
from dim_contacts
where account_id = $account_id
order by engagement_score desc nulls last, full_name, email, contact_id
"""

ACCOUNT_SEGMENTS_SQL = """
select segment_id, segment_name, owning_team, entered_date, days_in_segment
from fct_segment_membership
where account_id = $account_id
order by segment_name, segment_id
"""

# Every message an account's contacts (or one contact without an account) received, with the
# rules it broke. $account_id may be NULL (a contact with no account): then $contact_id. The
# sidebar's dates (UTC day sent) and teams (sending team) apply.
TIMELINE = Where(day="m.sent_at", team="m.team")

TIMELINE_SQL = f"""
with broken as (
    select
        message_id,
        string_agg(distinct rule_description, '; ' order by rule_description) as rules_broken,
        count(*) as violation_count
    from fct_cadence_violations
    where coalesce(account_id = $account_id, contact_id = $contact_id)
    group by message_id
)
select
    m.message_id,
    m.contact_id,
    m.sent_at,
    m.team,
    m.category,
    m.channel,
    m.source_system,
    m.subject,
    c.full_name,
    c.email,
    coalesce(b.violation_count, 0) > 0 as is_violation,
    b.rules_broken
from fct_communications as m
left join dim_contacts as c on c.contact_id = m.contact_id
left join broken as b on b.message_id = m.message_id
where coalesce(m.account_id = $account_id, m.contact_id = $contact_id)
  and {TIMELINE}
order by m.sent_at desc, m.message_id
"""

MESSAGE_DAYS_SQL = """
select min(sent_at)::date as first_day, max(sent_at)::date as last_day
from fct_communications
"""

ACCOUNT_TICKETS_SQL = """
select
    t.ticket_id, t.priority, t.status, t.teammate_name, t.created_at, t.first_reply_hours,
    t.first_reply_target_hours, t.is_first_reply_breached, t.resolution_due_at,
    t.is_resolution_breached, c.full_name as requester
from fct_ticket_service_levels as t
left join dim_contacts as c on c.contact_id = t.contact_id
where t.account_id = $account_id and t.is_open
order by t.created_at, t.ticket_id
"""


def search_pattern(text: str) -> str:
    """The user's text as a contains-pattern for ILIKE ... ESCAPE '\\' (their own %, _ and \\
    match literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_customers(text: str, limit: int = 50) -> pd.DataFrame:
    return db.query(SEARCH_SQL, {"pattern": search_pattern(text), "limit": limit})


def account_360(account_id: str) -> dict[str, Any]:
    return db.scalar_row(ACCOUNT_360_SQL, {"account_id": account_id})


def stage_history(account_id: str) -> pd.DataFrame:
    return db.query(STAGE_HISTORY_SQL, {"account_id": account_id})


def account_people(account_id: str) -> pd.DataFrame:
    return db.query(ACCOUNT_PEOPLE_SQL, {"account_id": account_id})


def account_segments(account_id: str) -> pd.DataFrame:
    return db.query(ACCOUNT_SEGMENTS_SQL, {"account_id": account_id})


def customer_timeline(
    filters: Filters, account_id: str | None, contact_id: str | None
) -> pd.DataFrame:
    return db.query(
        TIMELINE_SQL, TIMELINE.params(filters, account_id=account_id, contact_id=contact_id)
    )


def message_days() -> tuple[dt.date | None, dt.date | None]:
    """First and last UTC day a message was sent, or Nones when there is none."""
    bounds = db.scalar_row(MESSAGE_DAYS_SQL)
    return to_date(bounds.get("first_day")), to_date(bounds.get("last_day"))


def open_tickets(account_id: str) -> pd.DataFrame:
    return db.query(ACCOUNT_TICKETS_SQL, {"account_id": account_id})


# --- governance --------------------------------------------------------------------------------

GOVERNANCE_TABLES = (
    "rpt_communications_calendar",
    "rpt_fatigue_curve",
    "rpt_contact_coverage",
    "rpt_single_source_cap_misses",
)

# Violations per week, rule and team, straight from fct_cadence_violations so that every
# filter (days, team, severity, the account's region and segment) applies.
VIOLATIONS_BY_RULE_WEEK_SQL = f"""
select
    date_trunc('week', v.sent_at)::date as week_start,
    v.rule_id,
    min(v.rule_description) as rule_description,
    min(v.severity) as severity,
    count(*) as violation_count
from fct_cadence_violations as v
where {VIOLATIONS}
group by all
order by week_start, v.rule_id
"""

VIOLATIONS_BY_RULE_TEAM_SQL = f"""
select
    v.rule_id,
    min(v.rule_description) as rule_description,
    min(v.severity) as severity,
    v.team,
    count(*) as violation_count,
    count(distinct v.contact_id) as contacts
from fct_cadence_violations as v
where {VIOLATIONS}
group by v.rule_id, v.team
order by violation_count desc, v.rule_id, v.team
"""

RANKED_ACCOUNTS_SQL = f"""
select
    v.account_id,
    a.account_name,
    a.journey_stage,
    a.arr,
    count(*) as violations,
    count(distinct v.contact_id) as contacts,
    count(distinct v.rule_id) as rules,
    count(case when v.severity = 'high' then 1 end) as high_severity,
    max(v.sent_at) as last_violation_at
from fct_cadence_violations as v
left join dim_accounts as a on a.account_id = v.account_id
where v.account_id is not null
  and {VIOLATIONS}
group by all
order by violations desc, contacts desc, a.account_name, v.account_id
limit $limit
"""

# The cross-team calendar, by week (period 'week' covers every message once).
CALENDAR = Where(week="c.week_start", team="c.team")

CALENDAR_SQL = f"""
select c.week_start, c.team, c.kind, c.category, sum(c.message_count)::bigint as message_count
from rpt_communications_calendar as c
where c.period = 'week'
  and c.kind = any($kinds::varchar[])
  and (len($categories::varchar[]) = 0 or c.category = any($categories::varchar[]))
  and {CALENDAR}
group by all
order by c.week_start, c.team
"""

CALENDAR_WEEKS_SQL = """
select min(week_start) as first_week, max(week_start) as last_week, list(distinct kind) as kinds
from rpt_communications_calendar
where period = 'week'
"""

FATIGUE_CURVE_SQL = """
select
    window_name, window_days, messages_prior, messages_prior_label, sends, unsubscribes,
    unsubscribe_rate, baseline_unsubscribe_rate, has_sufficient_evidence, is_fatigued,
    recommended_cap_per_week
from rpt_fatigue_curve
order by window_days, messages_prior
"""

# Coverage is kept per contact over all their messages (rpt_contact_coverage): only the
# account's region and segment filters apply; its dates and teams cannot.
COVERAGE = Where(account="c.account_id")

COVERAGE_SUMMARY_SQL = f"""
select
    count(*) as contacts,
    sum(c.messages_total) as messages,
    avg(c.largest_source_share) as average_largest_share,
    count(case when c.largest_source_share < 1 then 1 end) as contacts_split,
    count(case when c.source_system_count >= 3 then 1 end) as contacts_three_plus
from rpt_contact_coverage as c
where {COVERAGE}
"""

# The histogram of largest_source_share in 10% bins ([0.9, 1] holds 100%), per best-placed
# system: a few dozen rows, whatever the number of contacts.
COVERAGE_SHARES_SQL = f"""
select
    c.largest_source_system,
    least(floor(c.largest_source_share * 10), 9) / 10 as share_from,
    (least(floor(c.largest_source_share * 10), 9) + 1) / 10 as share_to,
    count(*) as contacts
from rpt_contact_coverage as c
where {COVERAGE}
group by all
order by all
"""

LEAST_COVERED_SQL = f"""
select
    c.contact_id, d.full_name, d.email, a.account_name, c.messages_total,
    c.source_system_count, c.largest_source_system, c.largest_source_share,
    c.share_salesforce, c.share_hubspot, c.share_zendesk, c.share_stripe
from rpt_contact_coverage as c
left join dim_contacts as d on d.contact_id = c.contact_id
left join dim_accounts as a on a.account_id = c.account_id
where {COVERAGE}
order by c.largest_source_share, c.messages_total desc, d.email, c.contact_id
limit $limit
"""

# Cap misses are kept per rule and system over the whole history: only severity applies.
CAP_MISSES = Where(severity="m.severity")

CAP_MISSES_SQL = f"""
select
    m.rule_id, m.rule_description, m.severity, m.max_messages, m.source_system, m.violations,
    m.violations_seen, m.violations_caught, m.violations_missed, m.share_missed
from rpt_single_source_cap_misses as m
where {CAP_MISSES}
order by m.rule_id, m.share_missed, m.source_system
"""


def violations_by_rule_week(filters: Filters) -> pd.DataFrame:
    return db.query(VIOLATIONS_BY_RULE_WEEK_SQL, VIOLATIONS.params(filters))


def violations_by_rule_team(filters: Filters) -> pd.DataFrame:
    return db.query(VIOLATIONS_BY_RULE_TEAM_SQL, VIOLATIONS.params(filters))


def ranked_accounts(filters: Filters, limit: int) -> pd.DataFrame:
    """The accounts whose people got the most violating messages."""
    return db.query(RANKED_ACCOUNTS_SQL, VIOLATIONS.params(filters, limit=limit))


def calendar_bounds() -> tuple[dt.date | None, dt.date | None, list[str]]:
    bounds = db.scalar_row(CALENDAR_WEEKS_SQL)
    kinds = bounds.get("kinds")
    return (
        to_date(bounds.get("first_week")),
        to_date(bounds.get("last_week")),
        sorted(kinds) if kinds is not None and len(kinds) else [],
    )


def calendar(filters: Filters, kinds: Sequence[str], categories: Sequence[str]) -> pd.DataFrame:
    return db.query(
        CALENDAR_SQL,
        CALENDAR.params(filters, kinds=list(kinds), categories=list(categories)),
    )


def fatigue_curve() -> pd.DataFrame:
    return db.query(FATIGUE_CURVE_SQL)


def coverage_summary(filters: Filters) -> dict[str, Any]:
    return db.scalar_row(COVERAGE_SUMMARY_SQL, COVERAGE.params(filters))


def coverage_shares(filters: Filters) -> pd.DataFrame:
    """Contacts per best-placed system and 10% bin [share_from, share_to) of the share of
    their messages it saw."""
    return db.query(COVERAGE_SHARES_SQL, COVERAGE.params(filters))


def least_covered_contacts(filters: Filters, limit: int) -> pd.DataFrame:
    return db.query(LEAST_COVERED_SQL, COVERAGE.params(filters, limit=limit))


def single_source_cap_misses(filters: Filters) -> pd.DataFrame:
    return db.query(CAP_MISSES_SQL, CAP_MISSES.params(filters))


# --- shared account filters: regions and segments -----------------------------------------

REGIONS_SQL = """
select distinct region from dim_accounts where region is not null order by region
"""

SEGMENTS_SQL = """
select segment_id, min(segment_name) as segment_name
from fct_segment_membership
group by segment_id
order by segment_name, segment_id
"""


def regions() -> list[str]:
    return db.query(REGIONS_SQL)["region"].tolist()


def segments() -> dict[str, str]:
    """Segment id -> segment name, for the segments with members today."""
    frame = db.query(SEGMENTS_SQL)
    return dict(zip(frame["segment_id"], frame["segment_name"], strict=True))


# --- journeys ----------------------------------------------------------------------------------

JOURNEY_TABLES = (
    "fct_account_stage_history",
    "fct_account_stage_transitions",
    "fct_segment_membership",
    "rpt_journey_funnel",
    "rpt_clv_by_journey",
)

JOURNEY_DAYS_SQL = """
select min(entered_at)::date as first_day, max(coalesce(exited_at, entered_at))::date as last_day
from fct_account_stage_history
"""

# The funnel is pre-aggregated per monthly cohort: only the dates filter (cohort month) applies.
FUNNEL = Where(week="f.cohort_month")

FUNNEL_SQL = f"""
select
    f.journey_stage,
    min(f.stage_order) as stage_order,
    sum(f.cohort_accounts)::bigint as cohort_accounts,
    sum(f.accounts_reached)::bigint as accounts_reached,
    sum(f.accounts_reached) / nullif(sum(f.cohort_accounts), 0) as share_reached,
    sum(f.average_days_to_reach * f.accounts_reached) / nullif(sum(f.accounts_reached), 0)
        as average_days_to_reach
from rpt_journey_funnel as f
where {FUNNEL}
group by f.journey_stage
order by stage_order
"""

TRANSITIONS = Where(day="t.transitioned_at", account="t.account_id")

TRANSITIONS_SQL = f"""
select t.from_stage, t.to_stage, count(*) as transitions, count(distinct t.account_id) as accounts
from fct_account_stage_transitions as t
where {TRANSITIONS}
group by all
order by transitions desc, t.from_stage, t.to_stage
"""

SPELLS = Where(day="h.entered_at", account="h.account_id")

TIME_IN_STAGE_SQL = f"""
select
    h.journey_stage,
    count(*) as spells,
    count(case when not h.is_current then 1 end) as finished_spells,
    median(case when not h.is_current then h.days_in_stage end) as median_days_finished,
    quantile_cont(case when not h.is_current then h.days_in_stage end, 0.9) as p90_days_finished,
    count(case when h.is_current then 1 end) as current_spells,
    median(case when h.is_current then h.days_in_stage end) as median_days_current
from fct_account_stage_history as h
where {SPELLS}
group by h.journey_stage
order by h.journey_stage
"""

CLV_SQL = """
select
    stage_path, spell_count, current_stage, accounts, active_accounts, churned_accounts,
    lifetime_revenue_per_account, projected_lifetime_value_per_account, monthly_churn_rate,
    current_arr
from rpt_clv_by_journey
order by accounts desc, projected_lifetime_value_per_account desc, stage_path
limit $limit
"""


def journey_days() -> tuple[dt.date | None, dt.date | None]:
    bounds = db.scalar_row(JOURNEY_DAYS_SQL)
    return to_date(bounds.get("first_day")), to_date(bounds.get("last_day"))


def journey_funnel(filters: Filters) -> pd.DataFrame:
    return db.query(FUNNEL_SQL, FUNNEL.params(filters))


def stage_transitions(filters: Filters) -> pd.DataFrame:
    return db.query(TRANSITIONS_SQL, TRANSITIONS.params(filters))


def time_in_stage(filters: Filters) -> pd.DataFrame:
    return db.query(TIME_IN_STAGE_SQL, SPELLS.params(filters))


def clv_by_journey(limit: int) -> pd.DataFrame:
    return db.query(CLV_SQL, {"limit": limit})


# --- team service levels -----------------------------------------------------------------------

SERVICE_TABLES = (
    "fct_ticket_service_levels",
    "fct_task_service_levels",
    "rpt_team_workload_daily",
    "fct_segment_membership",
)

SERVICE_DAYS_SQL = """
select min(day) as first_day, max(day) as last_day
from (
    select created_at::date as day from fct_ticket_service_levels
    union all
    select created_at::date from fct_task_service_levels
    union all
    select workload_date from rpt_team_workload_daily
)
"""

SERVICE_TEAMS_SQL = """
select team from fct_ticket_service_levels where team is not null
union
select team from fct_task_service_levels where team is not null
order by team
"""

TICKETS = Where(day="t.created_at", team="t.team", account="t.account_id")

TICKET_LEVELS_SQL = f"""
select
    t.team,
    t.priority,
    min(t.first_reply_target_hours) as first_reply_target_hours,
    min(t.resolution_target_hours) as resolution_target_hours,
    count(*) as tickets,
    count(case when t.is_open then 1 end) as open_tickets,
    median(t.first_reply_hours) as median_first_reply_hours,
    median(t.resolution_hours) as median_resolution_hours,
    avg(case when t.is_first_reply_breached then 1 else 0 end) as first_reply_breach_rate,
    avg(case when t.is_resolution_breached then 1 else 0 end) as resolution_breach_rate
from fct_ticket_service_levels as t
where {TICKETS}
group by t.team, t.priority
order by t.team, case t.priority when 'urgent' then 1 when 'high' then 2 when 'normal' then 3
    when 'low' then 4 else 5 end
"""

BREACHES_BY_STAGE_SQL = f"""
with per_account as (
    select
        t.account_id,
        a.journey_stage,
        a.arr,
        count(*) as tickets,
        count(case when t.is_first_reply_breached or t.is_resolution_breached then 1 end)
            as breached_tickets
    from fct_ticket_service_levels as t
    left join dim_accounts as a on a.account_id = t.account_id
    where {TICKETS}
    group by all
)
select
    journey_stage,
    sum(tickets)::bigint as tickets,
    sum(breached_tickets)::bigint as breached_tickets,
    sum(breached_tickets) / sum(tickets) as breach_rate,
    count(case when breached_tickets > 0 and account_id is not null then 1 end)
        as accounts_breached,
    sum(case when breached_tickets > 0 then arr end) as arr_breached
from per_account
group by journey_stage
order by breach_rate desc, journey_stage
"""

OPEN_BREACHES_SQL = f"""
select
    t.ticket_id, t.account_name, a.journey_stage, t.account_arr, t.priority, t.status,
    t.teammate_name, t.team, t.created_at, t.is_first_reply_breached, t.is_resolution_breached,
    t.resolution_due_at
from fct_ticket_service_levels as t
left join dim_accounts as a on a.account_id = t.account_id
where t.is_open
  and (t.is_first_reply_breached or t.is_resolution_breached)
  and {TICKETS}
order by t.account_arr desc nulls last, t.created_at, t.ticket_id
limit $limit
"""

TASKS = Where(day="k.created_at", team="k.team", account="k.account_id")

TASK_LEVELS_SQL = f"""
select
    k.team,
    k.task_type,
    count(*) as tasks,
    count(case when k.is_open then 1 end) as open_tasks,
    median(k.hours_to_action) as median_hours_to_action,
    quantile_cont(k.hours_to_action, 0.9) as p90_hours_to_action,
    median(k.open_age_hours) as median_open_age_hours
from fct_task_service_levels as k
where {TASKS}
group by all
order by k.team, tasks desc, k.task_type
"""

WORKLOAD = Where(day="w.workload_date", team="w.team")

WORKLOAD_SQL = f"""
select
    w.workload_date, w.team, w.teammate_id, w.teammate_name, w.open_tickets, w.open_tasks,
    w.open_items, w.items_opened, w.is_swamped
from rpt_team_workload_daily as w
where {WORKLOAD}
  and w.workload_date > $end::date - $days
order by w.team, w.teammate_name, w.workload_date
"""


def service_days() -> tuple[dt.date | None, dt.date | None]:
    bounds = db.scalar_row(SERVICE_DAYS_SQL)
    return to_date(bounds.get("first_day")), to_date(bounds.get("last_day"))


def service_teams() -> list[str]:
    return db.query(SERVICE_TEAMS_SQL)["team"].tolist()


def ticket_levels(filters: Filters) -> pd.DataFrame:
    return db.query(TICKET_LEVELS_SQL, TICKETS.params(filters))


def breaches_by_stage(filters: Filters) -> pd.DataFrame:
    return db.query(BREACHES_BY_STAGE_SQL, TICKETS.params(filters))


def open_breaches(filters: Filters, limit: int) -> pd.DataFrame:
    return db.query(OPEN_BREACHES_SQL, TICKETS.params(filters, limit=limit))


def task_levels(filters: Filters) -> pd.DataFrame:
    return db.query(TASK_LEVELS_SQL, TASKS.params(filters))


def workload(filters: Filters, days: int) -> pd.DataFrame:
    """Open items per teammate per day, over the last ``days`` days of the range."""
    return db.query(WORKLOAD_SQL, WORKLOAD.params(filters, days=days))


# --- overview: the governance scorecard --------------------------------------------------------

OVERVIEW_TABLES = ("rpt_governance_scorecard_weekly",)

# Weekly rows of the selected weeks ("current") and of as many weeks just before ("previous"),
# averaged per team and severity: the share of contacts and accounts over the policy.
SCORECARD_SQL = """
with bounds as (
    select
        date_trunc('week', $start::date)::date as first_week,
        date_trunc('week', $end::date)::date as last_week
),
periods as (
    select
        first_week as current_start,
        $end::date as current_end,
        first_week - (last_week - first_week)::integer - 7 as previous_start,
        first_week - 1 as previous_end
    from bounds
),
rows as (
    select
        s.*,
        case
            when s.week_start between p.current_start and p.current_end then 'current'
            else 'previous'
        end as period
    from rpt_governance_scorecard_weekly as s
    cross join periods as p
    where s.week_start between p.previous_start and p.current_end
      and (s.team = 'all' or len($teams::varchar[]) = 0 or s.team = any($teams::varchar[]))
)
select
    team,
    severity,
    avg(case when period = 'current' then share_contacts_over_policy end) as contacts_share,
    avg(case when period = 'previous' then share_contacts_over_policy end)
        as contacts_share_previous,
    avg(case when period = 'current' then share_accounts_over_policy end) as accounts_share,
    avg(case when period = 'previous' then share_accounts_over_policy end)
        as accounts_share_previous,
    count(case when period = 'current' then 1 end) as weeks,
    count(case when period = 'previous' then 1 end) as weeks_previous
from rows
group by team, severity
order by
    team = 'all' desc, team,
    case severity when 'all' then 0 when 'high' then 1 when 'medium' then 2 else 3 end
"""

SCORECARD_WEEKS_SQL = """
select week_start, severity, share_contacts_over_policy, share_accounts_over_policy
from rpt_governance_scorecard_weekly
where team = 'all'
  and week_start between date_trunc('week', $start::date) and $end::date
order by week_start, severity
"""


def scorecard(filters: Filters) -> pd.DataFrame:
    return db.query(
        SCORECARD_SQL, {"start": filters.start, "end": filters.end, "teams": list(filters.teams)}
    )


def scorecard_weeks(filters: Filters) -> pd.DataFrame:
    return db.query(SCORECARD_WEEKS_SQL, {"start": filters.start, "end": filters.end})
