"""Truth about each account the models are scored against (``account_facts.csv``)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.synth.common import null_where, num_str, pick
from clearinghouse.synth.parameters import PLAN_MONTHLY_USD, PLANS
from clearinghouse.synth.state import ChunkState


def write_account_facts(state: ChunkState) -> None:
    """Per company: churned_at, has_past_due_invoice, current_plan and current_mrr (MRR as
    billing defines it: an annual price, 10x the monthly list price, counts 1/12)."""
    accounts = state.accounts
    churned = accounts.churned
    mrr = np.where(churned, 0, accounts.current_seats * PLAN_MONTHLY_USD[accounts.current_plan]
                   * np.where(accounts.annual, 10 / 12, 1))
    churned_at = pc.strftime(
        pa.array(np.where(churned, accounts.churned_at, 0)).cast(pa.timestamp("s")),
        "%Y-%m-%dT%H:%M:%SZ")
    state.company.truth.facts.write_table(pa.table({
        "company_id": accounts.company_id, "churned_at": null_where(churned_at, ~churned),
        "has_past_due_invoice": pick(["false", "true"],
                                     state.billing.has_past_due.astype(int)),
        "current_plan": pick(PLANS, accounts.current_plan),
        "current_mrr": num_str(np.round(mrr, 2)),
    }))
