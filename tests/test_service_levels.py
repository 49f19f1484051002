"""Service-level marts equal brute-force Python: SLA breaches per ticket, daily workload."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from conftest import data_end


def _data_end(warehouse) -> datetime:
    """The service-level clocks run to the data's end, the one "as of" of the warehouse."""
    return data_end(warehouse)


def test_sla_breaches_match_brute_force(demo_warehouse):
    targets = {
        priority: (first_reply, resolution)
        for priority, first_reply, resolution in demo_warehouse.query(
            "select priority, first_reply_hours, resolution_hours from sla_targets")
    }
    data_end = _data_end(demo_warehouse)
    tickets = demo_warehouse.query(
        "select ticket_id, priority, created_at, first_reply_at, solved_at"
        " from int_support__tickets")
    got = {
        ticket_id: (first_reply_breached, resolution_breached, end)
        for ticket_id, first_reply_breached, resolution_breached, end in demo_warehouse.query(
            "select ticket_id, is_first_reply_breached, is_resolution_breached, data_end_at"
            " from fct_ticket_service_levels")
    }
    assert len(got) == len(tickets)
    breaches = [0, 0]
    for ticket_id, priority, created_at, first_reply_at, solved_at in tickets:
        if priority in targets:
            first_reply_hours, resolution_hours = targets[priority]
            reply_stop = first_reply_at or solved_at or data_end
            resolve_stop = solved_at or data_end
            expected = (
                reply_stop > created_at + timedelta(hours=first_reply_hours),
                resolve_stop > created_at + timedelta(hours=resolution_hours),
            )
        else:
            expected = (False, False)
        assert got[ticket_id] == (*expected, data_end), ticket_id
        breaches[0] += expected[0]
        breaches[1] += expected[1]
    print(f"\n{len(tickets)} tickets, first-reply breaches {breaches[0]}, "
          f"resolution breaches {breaches[1]}, as of {data_end}")
    assert 0 < breaches[0] < len(tickets) and 0 < breaches[1] < len(tickets)


def test_workload_matches_brute_force(demo_warehouse):
    items = defaultdict(list)  # teammate -> [(opened, closed, is_ticket)]
    for teammate_id, created_at, solved_at in demo_warehouse.query(
            "select coalesce(teammate_id, 'unassigned'), created_at, solved_at"
            " from fct_ticket_service_levels"):
        items[teammate_id].append((created_at, solved_at, True))
    for owner, created_at, completed_at in demo_warehouse.query(
            "select owner_user_id, created_at, completed_at from stg_salesforce__tasks"
            " where not is_deleted and created_at is not null"):
        items[owner].append((created_at, completed_at, False))

    rows = demo_warehouse.query(
        "select teammate_id, workload_date, open_tickets, open_tasks, open_items"
        " from rpt_team_workload_daily where teammate_id <> 'unassigned'")
    assert rows
    agents = {
        teammate_id for teammate_id, in demo_warehouse.query(
            "select distinct teammate_id from fct_ticket_service_levels"
            " where teammate_id is not null")
    }
    with_tickets = [row for row in rows if row[0] in agents]
    rng = random.Random(11)
    sample = rng.sample(with_tickets, 150) + rng.sample(rows, 150)
    busy = 0
    for teammate_id, day, open_tickets, open_tasks, open_items in sample:
        day_end = datetime.combine(day + timedelta(days=1), time())
        tickets = tasks = 0
        for opened, closed, is_ticket in items[teammate_id]:
            if opened < day_end and (closed is None or closed >= day_end):
                tickets += is_ticket
                tasks += not is_ticket
        assert (open_tickets, open_tasks, open_items) == (tickets, tasks, tickets + tasks), (
            teammate_id, day)
        busy += tickets > 0
    assert busy > 0
