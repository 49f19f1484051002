"""``generate()``: set up the company, simulate chunk after chunk of accounts through the
named stages, write every system's export and the truth, then ``parameters.json``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from tqdm import tqdm

from clearinghouse.raw_schema import RAW_TABLES
from clearinghouse.synth.accounts import simulate_accounts
from clearinghouse.synth.billing import simulate_billing
from clearinghouse.synth.common import DAY, RawWriter
from clearinghouse.synth.company import (
    simulate_campaigns,
    simulate_prices,
    simulate_staff,
    simulate_support_team,
    write_campaigns,
)
from clearinghouse.synth.fatigue import simulate_fatigue
from clearinghouse.synth.marketing import simulate_marketing
from clearinghouse.synth.outreach import simulate_outreach
from clearinghouse.synth.parameters import (
    ACCOUNTS_PER_UNIT,
    CHUNK_ACCOUNTS,
    FATIGUE,
    LEAK_SHARE,
    LOCAL_SEND_HOURS,
    SCALES,
    SEND_BY_TIME_ZONE_SHARE,
    WINDOW_DAYS,
)
from clearinghouse.synth.people import simulate_people
from clearinghouse.synth.profiles import PROFILES, make_profile, output_names, parse_systems
from clearinghouse.synth.state import (
    CHUNK_STAGES,
    COMPANY_STAGES,
    ChunkState,
    Company,
    TruthFiles,
    TruthWriter,
    stage_generators,
)
from clearinghouse.synth.support import simulate_support
from clearinghouse.synth.writers.hubspot import write_hubspot
from clearinghouse.synth.writers.salesforce import write_salesforce
from clearinghouse.synth.writers.stripe import write_stripe
from clearinghouse.synth.writers.truth import write_account_facts
from clearinghouse.synth.writers.zendesk import write_zendesk

# Stage name -> function(state, rng), in CHUNK_STAGES order.
STAGE_FUNCTIONS = {
    "accounts": simulate_accounts, "people": simulate_people, "billing": simulate_billing,
    "outreach": simulate_outreach, "support": simulate_support,
    "marketing": simulate_marketing, "fatigue": simulate_fatigue,
    "write_salesforce": write_salesforce, "write_stripe": write_stripe,
    "write_zendesk": write_zendesk, "write_hubspot": write_hubspot,
}
_TEXT = pa.string()
TRUTH_COLUMNS = {
    "contacts": ["source_system", "source_table", "source_record_id", "person_id"],
    "accounts": ["source_system", "source_table", "source_record_id", "company_id"],
    "account_facts": ["company_id", "churned_at", "has_past_due_invoice", "current_plan",
                      "current_mrr"],
}


def simulate_chunk(company: Company, chunk: int, first_account: int, n_accounts: int) -> None:
    """Run every stage of ``CHUNK_STAGES`` over one chunk of accounts, each with its own
    child generator of ``SeedSequence([seed, 1, chunk])``, then write its account facts."""
    generators = stage_generators(np.random.SeedSequence([company.seed, 1, chunk]),
                                  CHUNK_STAGES)
    state = ChunkState(company=company, first_account=first_account, n_accounts=n_accounts)
    for stage in CHUNK_STAGES:
        STAGE_FUNCTIONS[stage](state, generators[stage])
    write_account_facts(state)


def open_truth(truth: Path, systems: tuple[str, ...]) -> TruthFiles:
    def schema(name: str) -> pa.Schema:
        return pa.schema([(column, _TEXT) for column in TRUTH_COLUMNS[name]])

    return TruthFiles(
        contacts=TruthWriter(truth / "contacts.csv", schema("contacts"), systems),
        accounts=TruthWriter(truth / "accounts.csv", schema("accounts"), systems),
        facts=pcsv.CSVWriter(str(truth / "account_facts.csv"), schema("account_facts")))


def _clear_previous(out: Path, fmt: str) -> None:
    """Remove ``fmt`` files an earlier run (any profile, any systems) wrote into ``out``, so
    the folder holds exactly this run's files. Other files are left alone."""
    for system in RAW_TABLES:
        folder = out / system
        if not folder.is_dir():
            continue
        for name in output_names(system):
            (folder / f"{name}.{fmt}").unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()


def fatigue_parameters() -> dict:
    """The fatigue truth the fatigue model is scored against."""
    return {
        "window_days": FATIGUE["window_days"],
        "knee_messages_per_week": FATIGUE["knee"],
        "base_unsubscribe_probability": FATIGUE["base"],
        "slope": FATIGUE["slope"],
        "formula": "p = base if n7 <= knee else base * (1 + slope * (n7 - knee))",
        "counts": "all outbound messages to the person in the 7 days before the send",
        "outbound_messages": "hubspot SENT events + completed Email/Call salesforce tasks "
                             "+ public agent zendesk comments + non-draft stripe invoices",
        "leak_share_of_unsubscribers": LEAK_SHARE,
    }


def generate(out: str | Path = "data/raw", truth: str | Path = "data/truth",
             scale: str = "demo", seed: int = 42, fmt: str = "csv",
             end_date: str = "2026-10-31", progress: bool = True, profile: str = "full",
             systems: str | list[str] | tuple[str, ...] | None = None) -> dict[str, int]:
    """Write the raw exports and the ground truth; return rows written per ``system/file``.

    ``profile``: ``full`` (RAW_TABLES), ``minimal`` (required contract columns only) or
    ``legacy`` (older connector layouts), see ``clearinghouse.synth.profiles``. ``systems``:
    the systems whose folders (and truth rows) are written, default all four."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {sorted(SCALES)}, not {scale!r}")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
    chosen = parse_systems(systems)
    out, truth = Path(out), Path(truth)
    truth.mkdir(parents=True, exist_ok=True)
    _clear_previous(out, fmt)
    end = int(np.datetime64(end_date, "D").astype("M8[s]").astype(np.int64)) + DAY
    n_accounts = ACCOUNTS_PER_UNIT * SCALES[scale]
    company = Company(
        seed=seed, scale=scale, end=end, window_start=end - WINDOW_DAYS * DAY,
        n_accounts=n_accounts,
        writer=RawWriter(out, fmt, RAW_TABLES, make_profile(profile, seed), chosen),
        truth=open_truth(truth, chosen))
    generators = stage_generators(np.random.SeedSequence([seed, 0]), COMPANY_STAGES)
    staff = simulate_staff(company, generators["staff"])
    simulate_support_team(company, staff, generators["support_team"])
    simulate_prices(company, generators["prices"])
    simulate_campaigns(company, generators["campaigns"])
    with tqdm(total=n_accounts, desc=f"generate {scale}", unit="acct",
              disable=not progress) as bar:
        for chunk, first_account in enumerate(range(0, n_accounts, CHUNK_ACCOUNTS)):
            size = min(CHUNK_ACCOUNTS, n_accounts - first_account)
            simulate_chunk(company, chunk, first_account, size)
            bar.update(size)
    write_campaigns(company, generators["write_campaigns"])
    counts = company.writer.close()
    company.truth.close()
    params = {"fatigue": fatigue_parameters(),
              "send_by_time_zone": {"share_of_campaigns": SEND_BY_TIME_ZONE_SHARE,
                                    "local_send_hours": list(LOCAL_SEND_HOURS)},
              "seed": seed, "scale": scale,
              "end_date": end_date, "accounts": n_accounts,
              "outbound_messages": company.messages}
    if profile != "full" or chosen != parse_systems(None):  # defaults: unchanged file
        params.update(profile=profile, systems=list(chosen))
    (truth / "parameters.json").write_text(json.dumps(params, indent=2) + "\n")
    _print_counts(counts, company.messages)
    return counts


def _print_counts(counts: dict[str, int], messages: int) -> None:
    width = max(len(k) for k in counts)
    print(f"{'table':<{width}}  {'rows':>12}")
    for key, rows in counts.items():
        print(f"{key:<{width}}  {rows:>12,}")
    print(f"{'outbound messages':<{width}}  {messages:>12,}")
