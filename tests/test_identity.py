"""Identity resolution scored against the generator's ground truth (pairwise)."""

from __future__ import annotations

import pytest
from conftest import SMALL_LAYOUTS

PAIRWISE = """
with joined as (
    select map.{cluster} as predicted, truth.{truth_id} as actual
    from {map_table} as map
    inner join read_csv(?, all_varchar = true) as truth
        on map.source_system = truth.source_system
        and map.source_table = truth.source_table
        and map.source_record_id = truth.source_record_id
),
both_ as (select count(*) as n from joined group by predicted, actual),
predicted as (select count(*) as n from joined group by predicted),
actual as (select count(*) as n from joined group by actual)
select
    (select sum(n * (n - 1) / 2) from both_),
    (select sum(n * (n - 1) / 2) from predicted),
    (select sum(n * (n - 1) / 2) from actual),
    (select count(*) from joined)
"""


def _score(warehouse, kind: str) -> tuple[float, float]:
    cluster, truth_id, table = {
        "contacts": ("contact_id", "person_id", "map_contact_records"),
        "accounts": ("account_id", "company_id", "map_account_records"),
    }[kind]
    sql = PAIRWISE.format(cluster=cluster, truth_id=truth_id, map_table=table)
    truth_file = str(warehouse.truth / f"{kind}.csv")
    true_positive, predicted, actual, joined = warehouse.query(sql, [truth_file])[0]
    truth_rows = warehouse.query("select count(*) from read_csv(?)", [truth_file])[0][0]
    assert joined == truth_rows, f"{kind}: {truth_rows - joined} truth records missing from the map"
    assert predicted > 0 and actual > 0
    return true_positive / predicted, true_positive / actual


@pytest.mark.slow
@SMALL_LAYOUTS
def test_identity_resolution_against_truth_small(small_layout):
    scores = {kind: _score(small_layout, kind) for kind in ("contacts", "accounts")}
    for kind, (precision, recall) in scores.items():
        print(f"\nidentity {kind}: pairwise precision {precision:.4f}, recall {recall:.4f}")
    for kind, (precision, recall) in scores.items():
        assert precision >= 0.99, f"{kind} precision {precision:.4f}"
        assert recall >= 0.99, f"{kind} recall {recall:.4f}"


def test_every_source_record_is_mapped(demo_warehouse):
    """Every contact-like/account-like record of the truth appears once in its map."""
    for kind, table in (("contacts", "map_contact_records"), ("accounts", "map_account_records")):
        missing = demo_warehouse.query(
            f"""
            select count(*) from read_csv(?, all_varchar = true) as truth
            anti join {table} as map
                on map.source_system = truth.source_system
                and map.source_table = truth.source_table
                and map.source_record_id = truth.source_record_id
            """,
            [str(demo_warehouse.truth / f"{kind}.csv")],
        )[0][0]
        assert missing == 0, f"{missing} {kind} truth records are not in {table}"
        duplicated = demo_warehouse.query(
            f"select count(*) - count(distinct record_key) from {table}"
        )[0][0]
        assert duplicated == 0


def test_free_mail_domains_never_link_accounts(demo_warehouse):
    leaked = demo_warehouse.query(
        """
        select count(*) from int_identity__account_edges as edges
        inner join free_email_domains as free on edges.link_key = 'domain:' || free.domain
        """
    )[0][0]
    assert leaked == 0


def test_contact_ids_are_stable_hashes_of_smallest_member(demo_warehouse):
    rows = demo_warehouse.query(
        """
        select count(*) from (
            select contact_id, min(record_key) as smallest
            from map_contact_records group by contact_id
        ) where contact_id <> md5(smallest)
        """
    )
    assert rows[0][0] == 0
