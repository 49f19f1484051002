"""A tiny warehouse with exactly the mart contract, for the dashboard tests.

Not a conftest: a helper module imported by ``tests/test_app.py``. It can also write a demo
file for a manual look at the app::

    .venv/bin/python tests/conftest_app_fixture.py /tmp/demo.duckdb
    CLEARINGHOUSE_DB=/tmp/demo.duckdb .venv/bin/streamlit run app/streamlit_app.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

RULE_CADENCE = "max_2_per_7d"
RULE_CADENCE_TEXT = (
    "No contact gets more than 2 non-exempt messages in any rolling 7 days across all teams"
)
RULE_PROMO = "max_1_promotional_per_7d"
RULE_PROMO_TEXT = "No contact gets more than 1 promotional message in any rolling 7 days"
RULE_TEXT = {RULE_CADENCE: RULE_CADENCE_TEXT, RULE_PROMO: RULE_PROMO_TEXT}

DDL = """
create table dim_accounts (
    account_id varchar primary key, account_name varchar, primary_domain varchar,
    industry varchar, region varchar, country varchar, owner_user_id varchar,
    owner_name varchar, owner_team varchar, plan varchar, current_mrr decimal(18, 2),
    is_customer boolean, salesforce_account_ids varchar, stripe_customer_ids varchar,
    zendesk_organization_ids varchar, contact_count integer
);
create table dim_contacts (
    contact_id varchar primary key, account_id varchar, email varchar, first_name varchar,
    last_name varchar, full_name varchar, title varchar, is_opted_out boolean,
    opted_out_at timestamp, salesforce_contact_ids varchar, hubspot_contact_ids varchar,
    zendesk_user_ids varchar, stripe_customer_ids varchar, source_record_count integer
);
create table fct_communications (
    message_id varchar primary key, source_system varchar, source_record_id varchar,
    contact_id varchar, account_id varchar, channel varchar, team varchar, category varchar,
    sender varchar, sent_at timestamp, subject varchar, campaign_id varchar
);
create table fct_cadence_violations (
    violation_id varchar primary key, message_id varchar, rule_id varchar,
    rule_description varchar, severity varchar, contact_id varchar, account_id varchar,
    sent_at timestamp, team varchar, category varchar, window_start timestamp,
    window_end timestamp, max_messages integer, messages_in_window integer,
    team_count_in_window integer, teams_in_window varchar, message_ids_in_window varchar,
    reason varchar
);
"""

REPORTS = """
create table rpt_messages_by_team_week as
select date_trunc('week', sent_at)::date as week_start, team, category, channel,
       count(*)::integer as message_count, count(distinct contact_id)::integer as contact_count
from fct_communications group by all;
create table rpt_violations_by_week as
select date_trunc('week', sent_at)::date as week_start, rule_id, team,
       count(*)::integer as violation_count, count(distinct contact_id)::integer as contact_count
from fct_cadence_violations group by all;
create table rpt_violation_teams as
select violation_id, trim(team_in_window) as team, message_id, rule_id, severity, contact_id,
       account_id, sent_at, trim(team_in_window) = team as is_violating_team
from (
    select *, unnest(string_split(teams_in_window, ',')) as team_in_window
    from fct_cadence_violations
);
"""

# fmt: off
ACCOUNTS = [
    ("acc_acme", "Acme Corp", "acme.example", "Manufacturing", "EMEA", "DE", "usr_1",
     "Dana Owner", "account_management", "enterprise", 12000, True, "001A", "cus_A", "zo_A", 2),
    ("acc_globex", "Globex", "globex.example", "Energy", "NA", "US", "usr_2", "Sam Seller",
     "sales", "growth", 3000, True, "001B", "cus_B", "zo_B", 1),
    ("acc_initech", "Initech", "initech.example", "Software", "NA", "US", "usr_2",
     "Sam Seller", "sales", None, 0, False, "001C", None, None, 2),
]
CONTACTS = [
    ("con_alice", "acc_acme", "alice@acme.example", "Alice", "Archer", "Alice Archer",
     "VP Operations", False, None, "003A", "hs_1", "zu_1", "cus_A", 3),
    ("con_bob", "acc_globex", "bob@globex.example", "Bob", "Baker", "Bob Baker", "CTO", False,
     None, "003B", "hs_2", None, "cus_B", 2),
    ("con_carol", "acc_acme", "carol@acme.example", "Carol", "Chen", "Carol Chen", "Analyst",
     False, None, "003C", "hs_3", None, None, 2),
    ("con_dan", "acc_initech", "dan@initech.example", "Dan", "Diaz", "Dan Diaz", "Engineer",
     False, None, "003D", None, None, None, 1),
    ("con_erin", "acc_initech", "erin@initech.example", "Erin", "Evans", "Erin Evans", "CFO",
     True, "2024-02-01 00:00:00", "003E", "hs_5", "zu_5", None, 3),
]
# (message_id, contact, account, channel, team, category, sender, sent_at, subject, campaign)
MESSAGES = [
    ("hubspot:101", "con_alice", "acc_acme", "email", "marketing", "promotional",
     "marketing@corp.example", "2024-03-04 09:00:00", "Spring webinar invite", "cmp_spring"),
    ("salesforce:00T1", "con_alice", "acc_acme", "email", "customer_success", "success",
     "casey@corp.example", "2024-03-05 10:00:00", "Your QBR agenda", None),
    ("salesforce:00T2", "con_alice", "acc_acme", "phone", "sales", "sales",
     "sam@corp.example", "2024-03-06 11:00:00", "Upsell call", None),
    ("zendesk:9001", "con_alice", "acc_acme", "email", "support", "support",
     "support@corp.example", "2024-03-07 12:00:00", "Ticket 9001 update", None),
    ("stripe:in_1", "con_alice", "acc_acme", "email", "billing", "transactional",
     "billing@corp.example", "2024-03-08 08:00:00", "Your March invoice", None),
    ("hubspot:102", "con_bob", "acc_globex", "email", "marketing", "promotional",
     "marketing@corp.example", "2024-03-04 09:00:00", "Spring webinar invite", "cmp_spring"),
    ("hubspot:103", "con_bob", "acc_globex", "email", "marketing", "promotional",
     "marketing@corp.example", "2024-03-06 09:00:00", "Last call: webinar", "cmp_spring"),
    ("salesforce:00T3", "con_bob", "acc_globex", "email", "account_management", "success",
     "dana@corp.example", "2024-03-08 15:00:00", "Renewal check-in", None),
    ("hubspot:104", "con_carol", "acc_acme", "email", "marketing", "promotional",
     "marketing@corp.example", "2024-03-11 09:00:00", "Product newsletter", "cmp_news"),
    ("salesforce:00T4", "con_dan", "acc_initech", "phone", "sales", "sales",
     "sam@corp.example", "2024-03-12 14:00:00", "Intro call", None),
    ("zendesk:9002", "con_erin", "acc_initech", "email", "support", "support",
     "support@corp.example", "2024-03-13 16:00:00", "Ticket 9002 solved", None),
]
# (violation_id, message_id, rule, contact, account, sent_at, team, category, window_start,
#  max, in_window, team_count, teams, message_ids)
VIOLATIONS = [
    ("v_alice_1", "salesforce:00T2", RULE_CADENCE, "con_alice", "acc_acme",
     "2024-03-06 11:00:00", "sales", "sales", "2024-02-28 11:00:00", 2, 3, 3,
     "customer_success,marketing,sales", "hubspot:101,salesforce:00T1,salesforce:00T2"),
    ("v_alice_2", "zendesk:9001", RULE_CADENCE, "con_alice", "acc_acme",
     "2024-03-07 12:00:00", "support", "support", "2024-02-29 12:00:00", 2, 4, 4,
     "customer_success,marketing,sales,support",
     "hubspot:101,salesforce:00T1,salesforce:00T2,zendesk:9001"),
    ("v_bob_1", "salesforce:00T3", RULE_CADENCE, "con_bob", "acc_globex",
     "2024-03-08 15:00:00", "account_management", "success", "2024-03-01 15:00:00", 2, 3, 2,
     "account_management,marketing", "hubspot:102,hubspot:103,salesforce:00T3"),
    ("v_bob_2", "hubspot:103", RULE_PROMO, "con_bob", "acc_globex",
     "2024-03-06 09:00:00", "marketing", "promotional", "2024-02-28 09:00:00", 1, 2, 1,
     "marketing", "hubspot:102,hubspot:103"),
]
# Rows a rebuild adds (the "new" warehouse in the atomic-replace test).
EXTRA_ACCOUNT = ("acc_umbrella", "Umbrella", "umbrella.example", "Pharma", "EMEA", "FR",
                 "usr_1", "Dana Owner", "account_management", "growth", 800, True, "001D",
                 None, None, 1)
EXTRA_CONTACT = ("con_frank", "acc_umbrella", "frank@umbrella.example", "Frank", "Fox",
                 "Frank Fox", "COO", False, None, "003F", None, None, None, 1)
EXTRA_MESSAGES = [
    ("hubspot:105", "con_frank", "acc_umbrella", "email", "marketing", "promotional",
     "marketing@corp.example", "2024-03-14 09:00:00", "Welcome to Clearinghouse", "cmp_news"),
    ("salesforce:00T5", "con_frank", "acc_umbrella", "phone", "sales", "sales",
     "sam@corp.example", "2024-03-15 09:00:00", "Kick-off call", None),
]

# --- Customer 360: the golden-record columns of dim_accounts / dim_contacts the app reads ---
ACCOUNT_360_DDL = """
alter table dim_accounts add column account_name_source varchar;
alter table dim_accounts add column primary_domain_source varchar;
alter table dim_accounts add column country_source varchar;
alter table dim_accounts add column industry_source varchar;
alter table dim_accounts add column owner_source varchar;
alter table dim_accounts add column arr decimal(18, 2);
alter table dim_accounts add column next_renewal_date date;
alter table dim_accounts add column has_scheduled_cancellation boolean;
alter table dim_accounts add column past_due_balance decimal(18, 2);
alter table dim_accounts add column past_due_invoice_count integer;
alter table dim_accounts add column open_ticket_count integer;
alter table dim_accounts add column csat_average double;
alter table dim_accounts add column csat_count integer;
alter table dim_accounts add column engagement_score double;
alter table dim_accounts add column engagement_trend varchar;
alter table dim_accounts add column last_touch_marketing_at timestamp;
alter table dim_accounts add column last_touch_customer_success_at timestamp;
alter table dim_accounts add column last_touch_account_management_at timestamp;
alter table dim_accounts add column last_touch_sales_at timestamp;
alter table dim_accounts add column last_touch_support_at timestamp;
alter table dim_accounts add column last_touch_billing_at timestamp;
alter table dim_accounts add column journey_stage varchar;
alter table dim_accounts add column stage_entered_at timestamp;
alter table dim_accounts add column stage_rule varchar;
alter table dim_contacts add column persona varchar;
alter table dim_contacts add column engagement_score integer;
alter table dim_contacts add column messages_30d_total integer;
alter table dim_contacts add column last_touch_at timestamp;
alter table dim_contacts add column last_touch_team varchar;
create table fct_account_stage_history (
    stage_spell_id varchar primary key, account_id varchar, spell_number integer,
    journey_stage varchar, entry_rule varchar, entered_at timestamp, exited_at timestamp,
    first_day date, last_day date, days_in_stage integer, is_current boolean
);
create table fct_segment_membership (
    segment_id varchar, segment_name varchar, owning_team varchar, account_id varchar,
    account_name varchar, entered_date date, days_in_segment integer,
    primary key (segment_id, account_id)
);
create table fct_ticket_service_levels (
    ticket_id varchar primary key, account_id varchar, account_name varchar,
    account_arr decimal(18, 2), contact_id varchar, priority varchar, status varchar,
    is_open boolean, group_id varchar, group_name varchar, team varchar, assignee_id varchar,
    teammate_id varchar, teammate_name varchar, created_at timestamp, first_reply_at timestamp,
    solved_at timestamp, first_reply_target_hours double, resolution_target_hours double,
    first_reply_due_at timestamp, resolution_due_at timestamp, first_reply_hours double,
    resolution_hours double, is_first_reply_breached boolean, is_resolution_breached boolean,
    data_end_at timestamp
);
"""
# fmt: off
# account -> (name_src, domain_src, country_src, industry_src, owner_src, arr, renewal,
#  cancelling, past_due_balance, past_due_invoices, open_tickets, csat, csat_n, engagement,
#  trend, last touch: marketing, cs, am, sales, support, billing; stage, entered, rule)
ACCOUNT_360 = {
    "acc_acme": ("salesforce", "hubspot", "stripe", "salesforce", "salesforce", 144000,
                 "2024-06-30", False, 0, 0, 1, 4.5, 2, 42.0, "rising",
                 "2024-03-04 09:00:00", "2024-03-05 10:00:00", None, "2024-03-06 11:00:00",
                 "2024-03-07 12:00:00", "2024-03-08 08:00:00",
                 "renewing", "2024-03-01 00:00:00", "renewing_within_90_days"),
    "acc_globex": ("salesforce", "salesforce", "salesforce", "salesforce", "salesforce", 36000,
                   "2024-09-15", False, 1500, 1, 0, None, 0, 7.0, "falling",
                   "2024-03-06 09:00:00", None, "2024-03-08 15:00:00", None, None, None,
                   "at_risk", "2024-02-20 00:00:00", "at_risk_past_due_invoice"),
    "acc_initech": ("salesforce", "salesforce", "salesforce", "salesforce", "salesforce", 0,
                    None, False, 0, 0, 0, None, 0, 0.0, "inactive",
                    None, None, None, "2024-03-12 14:00:00", "2024-03-13 16:00:00", None,
                    "prospect", "2024-01-15 00:00:00", "prospect_never_subscribed"),
    "acc_umbrella": ("salesforce", "salesforce", "salesforce", "salesforce", "salesforce",
                     9600, "2025-01-31", False, 0, 0, 0, None, 0, 3.0, "stable",
                     "2024-03-14 09:00:00", None, None, "2024-03-15 09:00:00", None, None,
                     "onboarding", "2024-03-14 00:00:00", "onboarding_first_90_days"),
}
# contact -> (persona, engagement_score, messages_30d_total, last_touch_at, last_touch_team)
CONTACT_360 = {
    "con_alice": ("decision_maker", 30, 5, "2024-03-08 08:00:00", "billing"),
    "con_bob": ("executive_sponsor", 7, 3, "2024-03-08 15:00:00", "account_management"),
    "con_carol": ("end_user", 12, 1, "2024-03-11 09:00:00", "marketing"),
    "con_dan": ("unknown", 0, 1, "2024-03-12 14:00:00", "sales"),
    "con_erin": ("billing_contact", 0, 1, "2024-03-13 16:00:00", "support"),
    "con_frank": ("admin_champion", 3, 2, "2024-03-15 09:00:00", "sales"),
}
# (spell id, account, spell number, stage, entry rule, entered, exited, days, is_current)
STAGE_SPELLS = [
    ("sp_acme_1", "acc_acme", 1, "onboarding", "onboarding_first_90_days",
     "2023-06-01", "2023-08-30", 90, False),
    ("sp_acme_2", "acc_acme", 2, "adopting", "adopting_steady_customer",
     "2023-08-30", "2024-03-01", 184, False),
    ("sp_acme_3", "acc_acme", 3, "renewing", "renewing_within_90_days",
     "2024-03-01", None, 15, True),
    ("sp_globex_1", "acc_globex", 1, "onboarding", "onboarding_first_90_days",
     "2023-11-22", "2024-02-20", 90, False),
    ("sp_globex_2", "acc_globex", 2, "at_risk", "at_risk_past_due_invoice",
     "2024-02-20", None, 25, True),
    ("sp_initech_1", "acc_initech", 1, "prospect", "prospect_never_subscribed",
     "2024-01-15", None, 61, True),
]
STAGE_DATA_END = "2024-03-15"
# (segment id, name, owning team, account, entered date)
SEGMENTS = [
    ("arr_tier_enterprise", "ARR tier: enterprise", "account_management", "acc_acme",
     "2023-09-01"),
    ("renewal_due_90d", "Renewal due in 90 days", "customer_success", "acc_acme",
     "2024-03-01"),
    ("arr_tier_mid_market", "ARR tier: mid-market", "account_management", "acc_globex",
     "2023-12-01"),
]
# (ticket, account, contact, priority, status, teammate, created, first reply, solved,
#  first-reply target h, resolution target h)
TICKETS = [
    ("9001", "acc_acme", "con_alice", "high", "open", "Pat Support", "2024-03-07 10:00:00",
     "2024-03-07 12:00:00", None, 4.0, 24.0),
    ("8999", "acc_acme", "con_carol", "normal", "solved", "Pat Support",
     "2024-02-10 09:00:00", "2024-02-10 20:00:00", "2024-02-12 09:00:00", 8.0, 72.0),
    ("9002", "acc_initech", "con_erin", "normal", "solved", "Lee Helper",
     "2024-03-13 08:00:00", "2024-03-13 09:00:00", "2024-03-13 16:00:00", 8.0, 72.0),
]
TICKET_DATA_END = "2024-03-15 23:59:59"
# fmt: on


def _add_customer_360(con: duckdb.DuckDBPyConnection) -> None:
    """The golden-record columns, stage history, segments and tickets (Customer 360)."""
    con.execute(ACCOUNT_360_DDL)
    account_columns = [
        "account_name_source", "primary_domain_source", "country_source", "industry_source",
        "owner_source", "arr", "next_renewal_date", "has_scheduled_cancellation",
        "past_due_balance", "past_due_invoice_count", "open_ticket_count", "csat_average",
        "csat_count", "engagement_score", "engagement_trend", "last_touch_marketing_at",
        "last_touch_customer_success_at", "last_touch_account_management_at",
        "last_touch_sales_at", "last_touch_support_at", "last_touch_billing_at",
        "journey_stage", "stage_entered_at", "stage_rule",
    ]  # fmt: skip
    assignments = ", ".join(f"{name} = ?" for name in account_columns)
    con.executemany(
        f"update dim_accounts set {assignments} where account_id = ?",
        [(*values, account_id) for account_id, values in ACCOUNT_360.items()],
    )
    con.executemany(
        "update dim_contacts set persona = ?, engagement_score = ?, messages_30d_total = ?, "
        "last_touch_at = ?, last_touch_team = ? where contact_id = ?",
        [(*values, contact_id) for contact_id, values in CONTACT_360.items()],
    )
    con.executemany(
        "insert into fct_account_stage_history select ?, ?, ?, ?, ?, ?::timestamp, "
        "?::timestamp, ?::date, coalesce(?::date - 1, ?::date), ?, ?",
        [(*spell[:7], spell[5], spell[6], STAGE_DATA_END, *spell[7:]) for spell in STAGE_SPELLS],
    )
    con.executemany(
        "insert into fct_segment_membership "
        "select ?, ?, ?, a.account_id, a.account_name, ?::date, ?::date - ?::date "
        "from dim_accounts as a where a.account_id = ?",
        [(*seg[:3], seg[4], STAGE_DATA_END, seg[4], seg[3]) for seg in SEGMENTS],
    )
    con.executemany(
        """
        insert into fct_ticket_service_levels
        select t.ticket_id, t.account_id, a.account_name, a.arr, t.contact_id, t.priority,
            t.status, t.status not in ('solved', 'closed'), 'grp_1', 'Tier 1 Support',
            'support', 'zd_' || t.teammate, 'usr_' || t.teammate, t.teammate, t.created_at,
            t.first_reply_at, t.solved_at, t.fr_target, t.res_target,
            t.created_at + to_milliseconds(t.fr_target * 3600000),
            t.created_at + to_milliseconds(t.res_target * 3600000),
            date_diff('second', t.created_at, t.first_reply_at) / 3600,
            date_diff('second', t.created_at, t.solved_at) / 3600,
            date_diff('second', t.created_at, coalesce(t.first_reply_at, t.data_end))
                > t.fr_target * 3600,
            date_diff('second', t.created_at, coalesce(t.solved_at, t.data_end))
                > t.res_target * 3600,
            t.data_end
        from (
            select ?::varchar as ticket_id, ?::varchar as account_id, ?::varchar as contact_id,
                ?::varchar as priority, ?::varchar as status, ?::varchar as teammate,
                ?::timestamp as created_at, ?::timestamp as first_reply_at,
                ?::timestamp as solved_at, ?::double as fr_target, ?::double as res_target,
                ?::timestamp as data_end
        ) as t
        left join dim_accounts as a on a.account_id = t.account_id
        """,
        [(*ticket, TICKET_DATA_END) for ticket in TICKETS],
    )


# --- Governance: calendar, fatigue curve, coverage (computed from the rows above) ----------
GOVERNANCE_REPORTS = """
create table rpt_communications_calendar (
    period varchar, period_start date, week_start date, kind varchar, team varchar,
    category varchar, channel varchar, message_count integer, contact_count integer,
    account_count integer
);
insert into rpt_communications_calendar
select period, period_start, date_trunc('week', period_start)::date, kind, team, category,
    channel, count(*)::integer, count(distinct contact_id)::integer,
    count(distinct account_id)::integer
from (
    select 'week' as period, date_trunc('week', sent_at)::date as period_start, 'sent' as kind,
        team, category, channel, contact_id, account_id
    from fct_communications
    union all
    select 'day', sent_at::date, 'sent', team, category, channel, contact_id, account_id
    from fct_communications
    union all
    select 'week', date '2024-03-18', 'planned', 'marketing', 'promotional', 'email',
        'con_alice', 'acc_acme'
    union all
    select 'week', date '2024-03-18', 'planned', 'marketing', 'promotional', 'email',
        'con_bob', 'acc_globex'
)
group by all;
create table rpt_fatigue_curve (
    window_name varchar, window_days integer, messages_prior integer,
    messages_prior_label varchar, is_tail_bucket boolean, sends bigint, unsubscribes bigint,
    unsubscribe_rate double, opens bigint, open_rate double, baseline_unsubscribe_rate double,
    rate_multiple_of_baseline double, evidence_sends bigint, evidence_unsubscribe_rate double,
    has_sufficient_evidence boolean, is_fatigued boolean, fatigue_multiple_of_baseline double,
    min_sends_per_bucket integer, recommended_cap_per_week integer,
    primary key (window_name, messages_prior)
);
insert into rpt_fatigue_curve
select '7d', 7, prior, prior::varchar || case when prior = 3 then '+' else '' end, prior = 3,
    sends, unsubscribes, unsubscribes / sends, sends // 2, 0.5, 0.002,
    unsubscribes / sends / 0.002, sends, unsubscribes / sends, sends >= 1000,
    prior >= 2 and sends >= 1000, 3.0, 1000, 2
from (values (0, 10000, 20), (1, 8000, 16), (2, 4000, 24), (3, 1000, 10)) as b(prior, sends,
    unsubscribes);
create table rpt_contact_coverage as
select contact_id, c.account_id, count(*)::integer as messages_total,
    count(case when source_system = 'salesforce' then 1 end)::integer as messages_salesforce,
    count(case when source_system = 'hubspot' then 1 end)::integer as messages_hubspot,
    count(case when source_system = 'zendesk' then 1 end)::integer as messages_zendesk,
    count(case when source_system = 'stripe' then 1 end)::integer as messages_stripe,
    messages_salesforce / messages_total as share_salesforce,
    messages_hubspot / messages_total as share_hubspot,
    messages_zendesk / messages_total as share_zendesk,
    messages_stripe / messages_total as share_stripe,
    count(distinct source_system)::integer as source_system_count,
    case greatest(messages_salesforce, messages_hubspot, messages_zendesk, messages_stripe)
        when messages_salesforce then 'salesforce' when messages_hubspot then 'hubspot'
        when messages_zendesk then 'zendesk' else 'stripe' end as largest_source_system,
    greatest(messages_salesforce, messages_hubspot, messages_zendesk, messages_stripe)
        / messages_total as largest_source_share
from fct_communications join dim_contacts as c using (contact_id)
group by contact_id, c.account_id;
create table rpt_single_source_cap_misses as
with seen as (
    select v.violation_id, s.source_system, v.rule_id, v.rule_description, v.severity,
        v.max_messages,
        count(case when m.source_system = s.source_system then 1 end) as messages_seen
    from fct_cadence_violations as v
    cross join (select distinct source_system from fct_communications) as s
    cross join unnest(string_split(v.message_ids_in_window, ',')) as w(message_id)
    join fct_communications as m on m.message_id = w.message_id
    group by all
)
select rule_id, source_system, min(rule_description) as rule_description,
    min(severity) as severity, min(max_messages)::integer as max_messages,
    count(*)::integer as violations,
    count(case when messages_seen > 0 then 1 end)::integer as violations_seen,
    count(case when messages_seen > max_messages then 1 end)::integer as violations_caught,
    count(case when messages_seen <= max_messages then 1 end)::integer as violations_missed,
    count(case when messages_seen <= max_messages then 1 end) / count(*) as share_missed
from seen group by rule_id, source_system;
"""


# --- Journeys: transitions from the spells above, a funnel of two cohorts, CLV by path ------
JOURNEY_REPORTS = """
create table fct_account_stage_transitions (
    transition_id varchar primary key, account_id varchar, to_spell_number integer,
    from_stage varchar, to_stage varchar, to_rule varchar, transitioned_at timestamp,
    days_in_from_stage integer
);
insert into fct_account_stage_transitions
select 'tr_' || h.stage_spell_id, h.account_id, h.spell_number, p.journey_stage,
    h.journey_stage, h.entry_rule, h.entered_at, p.days_in_stage
from fct_account_stage_history as h
join fct_account_stage_history as p
    on p.account_id = h.account_id and p.spell_number = h.spell_number - 1;
create table rpt_journey_funnel (
    funnel_row_id varchar primary key, cohort_month date, journey_stage varchar,
    stage_order integer, cohort_accounts integer, accounts_reached integer,
    share_reached double, median_days_to_reach double, average_days_to_reach double
);
insert into rpt_journey_funnel
select cohort || ':' || stage, cohort::date, stage, stage_order, cohort_accounts, reached,
    reached / cohort_accounts, days, days
from (values
    ('2023-06-01', 'onboarding', 1, 1, 1, 0.0), ('2023-06-01', 'adopting', 2, 1, 1, 90.0),
    ('2023-06-01', 'renewing', 4, 1, 1, 274.0), ('2023-06-01', 'at_risk', 5, 1, 0, null),
    ('2023-11-01', 'onboarding', 1, 1, 1, 0.0), ('2023-11-01', 'adopting', 2, 1, 0, null),
    ('2023-11-01', 'renewing', 4, 1, 0, null), ('2023-11-01', 'at_risk', 5, 1, 1, 90.0)
) as f(cohort, stage, stage_order, cohort_accounts, reached, days);
create table rpt_clv_by_journey (
    stage_path varchar primary key, spell_count integer, current_stage varchar,
    accounts integer, active_accounts integer, churned_accounts integer,
    lifetime_revenue decimal(18, 2), lifetime_revenue_per_account decimal(18, 2),
    average_mrr decimal(18, 2), current_mrr decimal(18, 2), current_arr decimal(18, 2),
    monthly_churn_rate double, expected_remaining_months double,
    projected_value decimal(18, 2), projected_lifetime_value_per_account decimal(18, 2)
);
insert into rpt_clv_by_journey values
    ('onboarding>adopting>renewing', 3, 'renewing', 1, 1, 0, 100000, 100000, 11000, 12000,
     144000, 0.01, 60, 720000, 820000),
    ('onboarding>at_risk', 2, 'at_risk', 1, 1, 0, 9000, 9000, 3000, 3000, 36000, 0.05, 20,
     60000, 69000);
"""


# --- Team service levels: tasks and the daily workload ------------------------------------
SERVICE_REPORTS = """
create table fct_task_service_levels (
    task_id varchar primary key, account_id varchar, account_name varchar,
    account_arr decimal(18, 2), teammate_id varchar, teammate_name varchar, team varchar,
    task_type varchar, task_subtype varchar, status varchar, priority varchar, subject varchar,
    created_at timestamp, completed_at timestamp, is_open boolean, hours_to_action double,
    open_age_hours double, data_end_at timestamp
);
insert into fct_task_service_levels
select task_id, t.account_id, a.account_name, a.arr, 'usr_' || teammate, teammate, team,
    task_type, task_type, case when completed_at is null then 'Open' else 'Completed' end,
    'Normal', subject, created_at::timestamp, completed_at::timestamp, completed_at is null,
    date_diff('second', created_at::timestamp, completed_at::timestamp) / 3600,
    case when completed_at is null
        then date_diff('second', created_at::timestamp, timestamp '2024-03-15 23:59:59') / 3600
    end,
    timestamp '2024-03-15 23:59:59'
from (values
    ('00T1', 'acc_acme', 'Casey Success', 'customer_success', 'Call', 'QBR prep',
     '2024-03-04 09:00:00', '2024-03-04 19:00:00'),
    ('00T2', 'acc_acme', 'Casey Success', 'customer_success', 'Email', 'Send QBR deck',
     '2024-03-05 09:00:00', '2024-03-06 15:00:00'),
    ('00T3', 'acc_globex', 'Dana Owner', 'account_management', 'Call', 'Renewal call',
     '2024-03-08 08:00:00', null)
) as t(task_id, account_id, teammate, team, task_type, subject, created_at, completed_at)
left join dim_accounts as a on a.account_id = t.account_id;
create table rpt_team_workload_daily (
    workload_date date, team varchar, teammate_id varchar, teammate_name varchar,
    open_tickets integer, open_tasks integer, open_items integer, items_opened integer,
    team_open_items integer, open_items_percent_rank double, is_swamped boolean,
    primary key (workload_date, teammate_id)
);
insert into rpt_team_workload_daily
select day::date, team, 'usr_' || teammate, teammate, tickets, tasks, tickets + tasks, opened,
    sum(tickets + tasks) over (partition by day, team), 0.0, tickets + tasks >= 2
from (values
    ('2024-03-14', 'support', 'Pat Support', 1, 0, 0),
    ('2024-03-15', 'support', 'Pat Support', 1, 0, 0),
    ('2024-03-15', 'support', 'Lee Helper', 0, 0, 1),
    ('2024-03-15', 'account_management', 'Dana Owner', 0, 1, 0),
    ('2024-03-14', 'customer_success', 'Casey Success', 2, 1, 2)
) as w(day, team, teammate, tickets, tasks, opened);
"""


# --- Overview: the governance scorecard, computed from the messages and violations -------
SCORECARD_REPORT = """
create table rpt_governance_scorecard_weekly as
with m as (
    select date_trunc('week', sent_at)::date as week_start, team, contact_id, account_id
    from fct_communications
),
v as (
    select date_trunc('week', sent_at)::date as week_start, team, severity, contact_id,
        account_id
    from fct_cadence_violations
),
messaged as (
    select week_start, coalesce(team, 'all') as team,
        count(distinct contact_id) as contacts, count(distinct account_id) as accounts
    from m group by grouping sets ((week_start, team), (week_start))
),
over_policy as (
    select week_start, coalesce(team, 'all') as team, coalesce(severity, 'all') as severity,
        count(distinct contact_id) as contacts, count(distinct account_id) as accounts
    from v group by grouping sets ((week_start, team, severity), (week_start, team),
        (week_start, severity), (week_start))
)
select ms.week_start, ms.team, s.severity, ms.contacts::integer as contacts_messaged,
    coalesce(o.contacts, 0)::integer as contacts_over_policy,
    coalesce(o.contacts, 0) / ms.contacts as share_contacts_over_policy,
    ms.accounts::integer as accounts_messaged,
    coalesce(o.accounts, 0)::integer as accounts_over_policy,
    coalesce(o.accounts, 0) / ms.accounts as share_accounts_over_policy
from messaged as ms
cross join (values ('high'), ('medium'), ('low'), ('all')) as s(severity)
left join over_policy as o
    on o.week_start = ms.week_start and o.team = ms.team and o.severity = s.severity;
"""


@dataclass(frozen=True)
class Counts:
    accounts: int
    contacts: int
    messages: int
    contacts_with_violations: int
    violations: int


def build_warehouse(path: Path, *, rebuilt: bool = False) -> Counts:
    """Write the fixture warehouse to ``path`` (which must not exist) and return its counts."""
    accounts = ACCOUNTS + ([EXTRA_ACCOUNT] if rebuilt else [])
    contacts = CONTACTS + ([EXTRA_CONTACT] if rebuilt else [])
    messages = MESSAGES + (EXTRA_MESSAGES if rebuilt else [])
    with duckdb.connect(str(path)) as con:
        con.execute(DDL)
        con.executemany(f"insert into dim_accounts values ({', '.join('?' * 16)})", accounts)
        con.executemany(f"insert into dim_contacts values ({', '.join('?' * 14)})", contacts)
        con.executemany(
            "insert into fct_communications "
            "select ?, split_part(?, ':', 1), split_part(?, ':', 2), ?, ?, ?, ?, ?, ?, ?, ?, ?",
            [(m[0], m[0], m[0], *m[1:]) for m in messages],
        )
        con.executemany(
            "insert into fct_cadence_violations "
            "select ?, ?, ?, ?, 'high', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "'more counted messages in the window than the rule allows'",
            [
                # window_end is the offending message's sent_at (v[5])
                (*v[:3], RULE_TEXT[v[2]], *v[3:9], v[5], *v[9:])
                for v in VIOLATIONS
            ],
        )
        con.execute(REPORTS)
        con.execute(SCORECARD_REPORT)
        _add_customer_360(con)
        con.execute(GOVERNANCE_REPORTS)
        con.execute(JOURNEY_REPORTS)
        con.execute(SERVICE_REPORTS)
    return Counts(
        accounts=len(accounts),
        contacts=len(contacts),
        messages=len(messages),
        contacts_with_violations=len({v[3] for v in VIOLATIONS}),
        violations=len(VIOLATIONS),
    )


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo.duckdb")
    target.unlink(missing_ok=True)
    print(build_warehouse(target))
