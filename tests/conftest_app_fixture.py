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
# fmt: on


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
