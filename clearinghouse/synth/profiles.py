"""Output profiles of the synthetic generator: which files and columns the raw exports have.

The simulation always produces the ``full`` layout (``clearinghouse.raw_schema.RAW_TABLES``);
a profile transforms each chunk the ``RawWriter`` writes into the files of its layout:

* ``full``: the chunk as is.
* ``minimal``: only the raw contract's required columns of each table, in contract order
  (tables not in the contract are not written).
* ``legacy``: older / alternative connector layouts (Salesforce API names, Stripe
  ``subscription_history`` / ``plan``, Zendesk ``domain_name`` and Rails time zones, HubSpot
  per-type event tables instead of ``email_event.type``); other tables as in ``full``.

Chunks partition accounts, so every version of one record id is in one chunk. Transforms
draw from their own generators, seeded from ``(seed, table, chunk number)``: the simulation's
random streams, and so the records, are the same in every profile.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.contract import SYSTEMS, load_contract
from clearinghouse.paths import PROJECT_ROOT
from clearinghouse.raw_schema import RAW_TABLES
from clearinghouse.synth.common import (
    DAY,
    HOUR,
    NULL_TS,
    cat,
    fmt_bool,
    fmt_synced,
    group_rank,
    null_where,
    num_str,
    pick,
    where,
)

PROFILES = ("full", "minimal", "legacy")
TIME_ZONE_SEED = PROJECT_ROOT / "seeds" / "zendesk_time_zones.csv"
ACTIVE_END = "9999-12-31 23:59:59"  # _fivetran_end of a subscription's current version

Chunk = list[tuple[str, pa.Table]]  # (output "system/file", table) pairs


def parse_systems(systems: str | Iterable[str] | None) -> tuple[str, ...]:
    """The systems to write, in canonical order; None = all four. Raises ValueError."""
    if systems is None:
        return SYSTEMS
    names = systems.split(",") if isinstance(systems, str) else list(systems)
    names = [str(s).strip().lower() for s in names if str(s).strip()]
    unknown = sorted(set(names) - set(SYSTEMS))
    if unknown:
        raise ValueError(f"unknown system(s) {', '.join(unknown)}: choose from "
                         f"{', '.join(SYSTEMS)}")
    if not names:
        raise ValueError(f"no system named: choose from {', '.join(SYSTEMS)}")
    return tuple(s for s in SYSTEMS if s in names)


def make_profile(name: str, seed: int) -> Profile:
    profiles = {"full": Profile, "minimal": MinimalProfile, "legacy": LegacyProfile}
    if name not in profiles:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {name!r}")
    return profiles[name](seed)


def pascal(name: str) -> str:
    """Salesforce API style: ``created_date`` -> ``CreatedDate``; ``_fivetran*`` unchanged."""
    if name.startswith("_fivetran"):
        return name
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def output_names(system: str) -> set[str]:
    """Every file name (without extension) any profile writes for ``system``."""
    names = set(RAW_TABLES.get(system, {})) | set(load_contract()[system].tables)
    if system == "salesforce":
        names |= {pascal(t) for t in RAW_TABLES[system]}
    return names


class Profile:
    """The ``full`` profile (identity); subclasses override ``transform``."""

    name = "full"

    def __init__(self, seed: int):
        self.seed = seed
        self._calls: dict[str, int] = {}

    def apply(self, key: str, table: pa.Table) -> Chunk:
        """The files one written chunk of ``key`` (``system/table``) becomes."""
        call = self._calls.get(key, 0)
        self._calls[key] = call + 1
        rng = np.random.default_rng([self.seed, 3, zlib.crc32(key.encode()), call])
        return self.transform(key, table, rng)

    def outputs(self, key: str, columns: list[str]) -> dict[str, list[str]]:
        """Files always written for ``key`` (even with no rows): output key -> header."""
        empty = pa.table({c: pa.array([], pa.string()) for c in columns})
        return {k: t.column_names for k, t in
                self.transform(key, empty, np.random.default_rng(0))}

    def transform(self, key: str, table: pa.Table, rng: np.random.Generator) -> Chunk:
        return [(key, table)]


class MinimalProfile(Profile):
    name = "minimal"

    def transform(self, key: str, table: pa.Table, rng: np.random.Generator) -> Chunk:
        system, name = key.split("/")
        spec = load_contract()[system].tables.get(name)
        if spec is None:
            return []
        missing = [c for c in spec.required_columns if c not in table.column_names]
        if missing:
            raise KeyError(f"{key}: required contract columns not generated: {missing}")
        return [(key, table.select(spec.required_columns))]


class LegacyProfile(Profile):
    name = "legacy"

    def transform(self, key: str, table: pa.Table, rng: np.random.Generator) -> Chunk:
        system, name = key.split("/")
        if system == "salesforce":
            return [(f"salesforce/{pascal(name)}",
                     table.rename_columns([pascal(c) for c in table.column_names]))]
        handler = _LEGACY.get(key)
        return handler(table, rng) if handler else [(key, table)]


# ---------------------------------------------------------------- table helpers
def _col(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks()


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values.cast(pa.string()))


def _codes(values: pa.Array) -> np.ndarray:
    """Integer codes of string values (equal values, equal codes)."""
    return pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _unique_rows(table: pa.Table, keys: list[str]) -> pa.Table:
    """First row of each distinct ``keys`` combination, in file order (drops duplicate lines)."""
    if table.num_rows == 0:
        return table
    rank = group_rank(*(_codes(pc.fill_null(_col(table, k), "")) for k in keys))
    return table.filter(pa.array(rank == 0))


def _synced_to_us(values: pa.Array) -> np.ndarray:
    """``_fivetran_synced`` (``YYYY-MM-DDTHH:MM:SS.ffffffZ``) as epoch microseconds."""
    secs = pc.strptime(pc.utf8_slice_codeunits(values, 0, 19), "%Y-%m-%dT%H:%M:%S", "s")
    micros = pc.utf8_slice_codeunits(values, 20, 26).cast(pa.int64())
    return (secs.cast(pa.int64()).to_numpy(zero_copy_only=False) * 1_000_000
            + micros.to_numpy(zero_copy_only=False))


def _epoch_seconds(values: pa.Array) -> np.ndarray:
    """Epoch seconds of timestamps in any generator format (``NULL_TS`` when null)."""
    raw = pc.fill_null(values.cast(pa.string()), "")
    digits = pc.match_substring_regex(raw, r"^\d+$")
    num = pc.if_else(digits, raw, pa.scalar(None, pa.string())).cast(pa.int64())
    num = pc.if_else(pc.greater_equal(pc.utf8_length(raw), 13), pc.divide(num, 1000), num)
    text = pc.replace_substring(pc.utf8_slice_codeunits(raw, 0, 19), "T", " ")
    local = pc.strptime(pc.if_else(digits, pa.scalar(None, pa.string()), text),
                        "%Y-%m-%d %H:%M:%S", "s", error_is_null=True).cast(pa.int64())
    has_off = pc.match_substring_regex(raw, r"[+-]\d\d:\d\d$")
    tail = pc.if_else(has_off, pc.utf8_slice_codeunits(raw, -6), "+00:00")
    off = (pc.utf8_slice_codeunits(tail, 1, 3).cast(pa.int64()).to_numpy() * HOUR
           + pc.utf8_slice_codeunits(tail, 4, 6).cast(pa.int64()).to_numpy() * 60)
    off = np.where(pc.starts_with(tail, "-").to_numpy(zero_copy_only=False), -off, off)
    out = pc.coalesce(num, local, NULL_TS).to_numpy(zero_copy_only=False)
    shift = np.where(digits.to_numpy(zero_copy_only=False) | (out == NULL_TS), 0, off)
    return out - shift


# ---------------------------------------------------------------- stripe
def _stripe_subscription_history(table: pa.Table, rng: np.random.Generator) -> Chunk:
    """One row per version; ~30% of subscriptions get an earlier (trialing / incomplete)
    version; ``_fivetran_active`` / ``_fivetran_start`` / ``_fivetran_end`` per version."""
    versions = _unique_rows(table, ["id", "_fivetran_synced"])
    synced = _synced_to_us(_col(versions, "_fivetran_synced"))
    codes = _codes(_col(versions, "id"))
    first = np.flatnonzero(group_rank(codes, synced) == 0)  # each id's earliest version
    chosen = first[rng.random(len(first)) < 0.3]
    n = len(chosen)
    early = versions.take(pa.array(chosen, pa.int64()))
    trial = pc.is_valid(_col(early, "trial_start")).to_numpy(zero_copy_only=False)
    created = _epoch_seconds(_col(early, "created"))
    created = np.where(created == NULL_TS, synced[chosen] // 1_000_000 - 30 * DAY, created)
    after = rng.integers(300, np.where(trial, 13 * DAY, 2 * HOUR), n) if n else np.zeros(0, int)
    early_us = np.minimum((created + after) * 1_000_000 + rng.integers(0, 1_000_000, n),
                          synced[chosen] - 60_000_000)
    early = _set(early, "status", pick(["incomplete", "trialing"], trial.astype(int)))
    for name in ("canceled_at", "ended_at"):
        early = _set(early, name, pa.nulls(n, pa.string()))
    early = _set(early, "cancel_at_period_end", fmt_bool(np.zeros(n, bool), rng))
    early = _set(early, "_fivetran_synced", fmt_synced(early_us))
    versions = pa.concat_tables([versions, early])
    synced = np.concatenate([synced, early_us])
    codes = np.concatenate([codes, codes[chosen]])
    # versions of one id ordered by sync time: each ends where the next starts
    order = np.lexsort((synced, codes))
    nxt = np.full(len(order), -1, np.int64)
    same = codes[order][1:] == codes[order][:-1]
    nxt[order[:-1][same]] = order[1:][same]
    active = nxt < 0
    start = _col(versions, "_fivetran_synced")
    end = where(active, ACTIVE_END, start.take(pa.array(np.maximum(nxt, 0))))
    cols = [c for c in versions.column_names if c != "_fivetran_synced"]
    out = versions.select(cols)
    for name, values in (("_fivetran_active", fmt_bool(active, rng)), ("_fivetran_start", start),
                         ("_fivetran_end", end), ("_fivetran_synced", start)):
        out = out.append_column(name, values)
    return [("stripe/subscription_history", out)]


def _stripe_plan(table: pa.Table, rng: np.random.Generator) -> Chunk:
    columns = {"id": "id", "amount": "unit_amount", "currency": "currency",
               "interval": "recurring_interval", "interval_count": "recurring_interval_count",
               "nickname": "nickname", "product_id": "product_id", "active": "active",
               "created": "created", "_fivetran_synced": "_fivetran_synced"}
    return [("stripe/plan", pa.table({new: table.column(old) for new, old in columns.items()}))]


def _stripe_subscription_item(table: pa.Table, rng: np.random.Generator) -> Chunk:
    names = ["plan_id" if c == "price_id" else c for c in table.column_names]
    return [("stripe/subscription_item", table.rename_columns(names))]


# ---------------------------------------------------------------- zendesk
def _zendesk_organization(table: pa.Table, rng: np.random.Generator) -> Chunk:
    """``organization`` without ``domain_names``; one ``domain_name`` row per listed domain."""
    orgs = _unique_rows(table, ["id", "_fivetran_synced"])
    lists = pc.split_pattern(pc.fill_null(_col(orgs, "domain_names"), ""), ",")
    parent = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    domains = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.not_equal(domains, "").to_numpy(zero_copy_only=False)
    parent, domains = parent[keep], domains.filter(pa.array(keep))
    rows = pa.array(parent, pa.int64())
    domain_name = pa.table({
        "organization_id": _col(orgs, "id").take(rows), "domain_name": domains,
        "index": num_str(group_rank(parent)),
        "_fivetran_synced": _col(orgs, "_fivetran_synced").take(rows),
    })
    return [("zendesk/organization", table.drop_columns(["domain_names"])),
            ("zendesk/domain_name", domain_name)]


@cache
def rails_time_zones() -> dict[str, str]:
    """IANA zone -> Rails name (inverse of seeds/zendesk_time_zones.csv; first in file order)."""
    if not TIME_ZONE_SEED.is_file():
        raise FileNotFoundError(f"{TIME_ZONE_SEED} is missing: the legacy profile needs it")
    mapping: dict[str, str] = {}
    with TIME_ZONE_SEED.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            mapping.setdefault(row["iana_time_zone"], row["rails_time_zone"])
    return mapping


def _zendesk_user(table: pa.Table, rng: np.random.Generator) -> Chunk:
    """``time_zone`` holds the Rails name of the IANA zone; no ``iana_time_zone``."""
    zones = rails_time_zones()
    iana = _col(table, "iana_time_zone")
    idx = pc.index_in(iana, value_set=pa.array(list(zones), pa.string()))
    rails = pa.array(list(zones.values()), pa.string()).take(idx)
    time_zone = pc.if_else(pc.is_valid(iana), pc.coalesce(rails, iana), _col(table, "time_zone"))
    return [("zendesk/user", _set(table, "time_zone", time_zone).drop_columns(
        ["iana_time_zone"]))]


# ---------------------------------------------------------------- hubspot
_BROWSERS = ["Chrome", "Safari", "Firefox", "Edge", "Outlook"]
_USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)",
]
_URLS = ["https://lumenary.io/blog", "https://lumenary.io/pricing",
         "https://app.lumenary.io/login", "https://lumenary.io/webinars?utm_source=hubspot",
         "https://lumenary.io/changelog#spaces"]
_BOUNCES = [  # category, response, status
    ("UNKNOWN_USER", "550 5.1.1 The email account that you tried to reach does not exist",
     "5.1.1"),
    ("MAILBOX_FULL", "552 5.2.2 The recipient's mailbox is full", "5.2.2"),
    ("POLICY", "550 5.7.1 Message rejected due to local policy", "5.7.1"),
    ("DNS_FAILURE", "Host or domain name not found", None),
]


def _event_details(event_type: str, ids: pa.Array, rng: np.random.Generator) -> dict:
    """Type-specific columns of a per-type event table (plausible values, some null)."""
    n = len(ids)
    if event_type in ("OPEN", "CLICK"):
        browser_index = rng.integers(0, len(_BROWSERS), n)
        browser = null_where(pick(_BROWSERS, browser_index), rng.random(n) < 0.1)
        agent = null_where(pick(_USER_AGENTS, browser_index), rng.random(n) < 0.1)
        if event_type == "CLICK":
            return {"url": pick(_URLS, rng.integers(0, len(_URLS), n)), "browser": browser,
                    "user_agent": agent}
        duration = null_where(num_str(rng.integers(300, 60_000, n)), rng.random(n) < 0.3)
        return {"browser": browser, "user_agent": agent, "duration": duration}
    if event_type == "DELIVERED":
        return {"response": pick(["250 2.0.0 OK", "250 OK queued", "250 Message accepted"],
                                 rng.integers(0, 3, n)),
                "smtp_id": cat("<", ids, ".hs@mail.lumenary.io>")}
    if event_type == "BOUNCE":
        which = rng.integers(0, len(_BOUNCES), n)
        return {name: pa.array([b[i] for b in _BOUNCES], pa.string()).take(pa.array(which))
                for i, name in enumerate(("category", "response", "status"))}
    return {}


@cache
def _event_tables() -> dict[str, str]:
    """Event type -> per-type table, from the contract, for tables the simulation does not
    write itself (it writes email_event_sent and email_event_status_change)."""
    return {t.event_type: name for name, t in load_contract()["hubspot"].tables.items()
            if t.event_type and name not in RAW_TABLES["hubspot"]}


def _hubspot_email_event(table: pa.Table, rng: np.random.Generator) -> Chunk:
    """``email_event`` without ``type``; each event id also in the table of its type."""
    out = [("hubspot/email_event", table.drop_columns(["type"]))]
    types = _col(table, "type")
    for event_type, name in _event_tables().items():
        rows = table.filter(pc.equal(types, event_type))
        if rows.num_rows == 0:
            continue
        ids = _col(rows, "id")
        out.append((f"hubspot/{name}", pa.table({
            "id": ids, **_event_details(event_type, ids, rng),
            "_fivetran_synced": _col(rows, "_fivetran_synced")})))
    return out


_LEGACY = {
    "stripe/subscription": _stripe_subscription_history,
    "stripe/price": _stripe_plan,
    "stripe/subscription_item": _stripe_subscription_item,
    "zendesk/organization": _zendesk_organization,
    "zendesk/user": _zendesk_user,
    "hubspot/email_event": _hubspot_email_event,
}
