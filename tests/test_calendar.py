"""rpt_communications_calendar: sent messages + planned sends, per day and ISO week."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import timedelta

import duckdb

from clearinghouse.build import Gate, build
from clearinghouse.parsing import parse_timestamp

COLUMNS = ["email", "contact_id", "planned_at", "team", "category", "channel", "campaign"]


def test_calendar_totals(demo_warehouse, tmp_path, monkeypatch):
    with duckdb.connect(str(demo_warehouse.db), read_only=True) as connection:
        end = connection.execute("select max(sent_at) from fct_communications").fetchone()[0]
        recipients = connection.execute(
            "select contact_id, email from int_identity__contact_emails "
            "where contact_count = 1 order by contact_id limit 20"
        ).fetchall()
    teams = [("marketing", "promotional", "email"), ("Sales", "sales", "PHONE"),
             ("customer_success", "success", "email")]
    rows = []
    for index in range(30):
        contact_id, email = recipients[index % len(recipients)]
        team, category, channel = teams[index % 3]
        rows.append({
            "email": email.upper() if index % 2 else email,
            "contact_id": contact_id if index % 5 == 0 else "",
            "planned_at": f"{end + timedelta(hours=7 * index + 1)}",
            "team": team, "category": category, "channel": channel, "campaign": "q4",
        })
    rows.append({"email": "someone@unknown.example", "planned_at": f"{end + timedelta(days=2)}",
                 "team": "marketing", "category": "promotional", "channel": "email"})
    rows.append({"email": recipients[0][1], "planned_at": "not a time", "team": "marketing",
                 "category": "promotional", "channel": "email"})
    planned = tmp_path / "planned.csv"
    with open(planned, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows([{column: row.get(column, "") for column in COLUMNS} for row in rows])

    monkeypatch.setenv("CLEARINGHOUSE_PLANNED", str(planned))
    db = tmp_path / "calendar.duckdb"
    # the calendar and what it is built from (fct_communications, stg_planned__sends)
    build(db_path=db, raw=demo_warehouse.raw, target_path=tmp_path / "target", quiet=True,
          select="+rpt_communications_calendar", gate=Gate(quality=False))

    expected_planned = Counter(
        (parse_timestamp(row["planned_at"]).date(), row["team"].lower())
        for row in rows if parse_timestamp(row["planned_at"]) is not None
    )
    with duckdb.connect(str(db), read_only=True) as connection:
        sent = Counter({
            (day, team): count for day, team, count in connection.execute(
                "select cast(sent_at as date), team, count(*) from fct_communications "
                "group by 1, 2"
            ).fetchall()
        })

        def calendar(period, kind):
            return Counter({
                (day, team): count for day, team, count in connection.execute(
                    "select period_start, team, sum(message_count) "
                    "from rpt_communications_calendar where period = ? and kind = ? "
                    "group by 1, 2", [period, kind],
                ).fetchall()
            })

        assert calendar("day", "sent") == sent
        assert calendar("day", "planned") == expected_planned
        for kind in ("sent", "planned"):
            weekly = Counter()
            for (day, team), count in calendar("day", kind).items():
                weekly[(day - timedelta(days=day.weekday()), team)] += count
            assert calendar("week", kind) == weekly
        staged = connection.execute(
            "select count(*), count(planned_at), min(planned_send_id), max(planned_send_id) "
            "from stg_planned__sends"
        ).fetchone()
        assert staged == (len(rows), len(rows) - 1, 1, len(rows))
        planned_contacts = connection.execute(
            "select sum(contact_count) from rpt_communications_calendar "
            "where period = 'day' and kind = 'planned' and team = 'marketing'"
        ).fetchone()[0]
        # 10 marketing rows to 10 distinct known contacts on distinct days + 1 unknown
        assert planned_contacts == 10
        kinds = {row[0] for row in connection.execute(
            "select distinct kind from rpt_communications_calendar").fetchall()}
        assert kinds == {"sent", "planned"}
