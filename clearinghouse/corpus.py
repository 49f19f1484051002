"""A corpus of malformed variants of a clean raw export, each with its expected outcome.

Every case takes a clean export folder (the generator's output, `clearinghouse generate`),
copies it (hard links, or copies when the file system refuses them) and breaks one thing
in one file: a byte-order mark, a Latin-1 file, US-style dates, a repeated header row, a
missing required column, a file cut in the middle of a line, ... (`CASES`). What the build
must do with it is written down with the case, computed from the rows the case wrote, not
from the project's SQL:

- `error`: the build stops with this exception (BuildError, or GateError for the build
  gate) and a message holding these substrings (the file's path, the column or table);
- `loads`: the build goes through, and `rpt_load_reconciliation` / `audit_rejected_rows`
  hold exactly these counts per changed table (rows in the file, loaded, superseded,
  excluded, rejected, unknown enumeration values; rejected and excluded rows per reason),
  staged values are exactly these (a Latin-1 name decoded, an epoch timestamp read as the
  same instant, a leading-zero id kept as text), and `audit_quarantined_records` gains
  exactly these rows.

Mutations are deterministic: every random choice comes from a generator seeded with the
case name. Counts use the contract's record keys (`models/staging/*/_*__sources.yml`): the
rows of a key that can be used load one version and supersede the rest.

`make_corpus(clean_raw, out_dir)` writes one folder per case plus its `expected.json`, and
returns the expectations; `python -m clearinghouse.corpus CLEAN_RAW OUT_DIR` does the same
from the command line. The tests are in tests/test_malformed_corpus.py, the table of cases
in docs/malformed-corpus.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from clearinghouse.contract import load_contract

SEED = 20240611
EPOCH = datetime(1970, 1, 1)
# Spellings of null the README promises to read as null ("Bring your own exports").
NULL_SPELLINGS = ("NULL", "null", "\\N", "N/A")
INJECTIONS = (
    "'; drop table x; --",
    '=HYPERLINK("http://x")',
    "Robert'); DROP TABLE students;--",
    "{{ var('raw_layout') }} {% raise %}",
    "${jndi:ldap://x/a}",
)
UNICODE_NAMES = (
    "Café 🚀 Ünïcode 👩\u200d👩\u200d👧 Ltd",
    "شركة الاختبار للتجارة",
    'חברה לדוגמה בע"מ',
    "mixed \u202eRTL override\u202c and 漢字",
    "🏳️\u200d🌈 Pride & Joy GmbH",
)
INVALID_EMAILS = (
    "jan.martin at example.com", "jan.martin@", "@example.com", "jan@@example.com",
    "jan martin@example.com", "jan.martin@example", "mailto:", "first.last@.",
)


class Bare(str):
    """A value written without quotes (a null spelled NULL or \\N, as databases export it)."""


class Quoted(str):
    """A value written in quotes even when empty (`""`: the generator's empty strings)."""


# ---------------------------------------------------------------------------- CSV files
@dataclass
class CsvFile:
    header: list[str]
    rows: list[list[str]]

    def col(self, name: str) -> int:
        return self.header.index(name)

    def keys(self, columns: tuple[str, ...]) -> list[tuple[str | None, ...]]:
        """Each row's record key, as staging reads it (trimmed, empty = null)."""
        indexes = [self.col(c) for c in columns]
        return [tuple(row[i].strip() or None for i in indexes) for row in self.rows]


# one field: a quoted value (quotes doubled inside) or an unquoted one
_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^",\r\n]*)')


def read_csv_text(text: str) -> CsvFile:
    """Parse CSV text keeping how each value was written (a quoted empty string stays
    Quoted, an unquoted value Bare), so an untouched row is written back byte for byte."""
    records: list[list[str]] = []
    record: list[str] = []
    position, end = 0, len(text)
    while position < end:
        match = _FIELD.match(text, position)
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            record.append(Quoted(quoted.replace('""', '"')) if quoted == "" else
                          quoted.replace('""', '"'))
        else:
            record.append(Bare(bare) if bare else "")
        position = match.end()
        if text.startswith(",", position):
            position += 1
            continue
        records.append(record)
        record = []
        if text.startswith("\r\n", position):
            position += 2
        elif text.startswith(("\n", "\r"), position):
            position += 1
        elif position < end:
            raise ValueError(f"malformed CSV at character {position}: "
                             f"{text[position:position + 40]!r}")
    return CsvFile(records[0], records[1:])


@cache
def _parsed(path: str, size: int, modified: int) -> CsvFile:
    return read_csv_text(Path(path).read_text(encoding="utf-8"))


def read_csv(path: Path) -> CsvFile:
    """A UTF-8 CSV file (parsed once per version of the file; each call gets its own copy)."""
    stat = Path(path).stat()
    data = _parsed(str(path), stat.st_size, stat.st_mtime_ns)
    return CsvFile(list(data.header), [list(row) for row in data.rows])


def _quoted(value: str) -> str:
    if isinstance(value, Bare) or (value == "" and not isinstance(value, Quoted)):
        return str(value)
    return '"' + value.replace('"', '""') + '"'


def csv_bytes(data: CsvFile, *, delimiter: str = ",", newline: str = "\n",
              encoding: str = "utf-8", bom: bool = False) -> bytes:
    """The file as the generator writes it: every non-empty value quoted, empty = null."""
    lines = [delimiter.join(_quoted(v) for v in row) for row in (data.header, *data.rows)]
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def write_bytes(path: Path, data: bytes) -> None:
    """Replace a file (never through a hard link to the clean export)."""
    path.unlink(missing_ok=True)
    path.write_bytes(data)


# ---------------------------------------------------------------------------- timestamps
def parse_instant(text: str | None) -> datetime | None:
    """A raw timestamp as a naive UTC datetime: ISO with Z or an offset, naive UTC, epoch
    seconds (9-11 digits) or milliseconds (12-13 digits); None when it is none of them."""
    value = (text or "").strip()
    if re.fullmatch(r"-?[0-9]{12,13}", value):
        return EPOCH + timedelta(milliseconds=int(value))
    if re.fullmatch(r"-?[0-9]{9,11}", value):
        return EPOCH + timedelta(seconds=int(value))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def instant_text(instant: datetime | None) -> str | None:
    """How expectations spell an instant (compared with the staged timestamp's isoformat)."""
    return None if instant is None else instant.isoformat(sep=" ")


def _with_offset(instant: datetime, hours: int) -> str:
    local = instant + timedelta(hours=hours)
    sign = "+" if hours >= 0 else "-"
    fraction = f".{local.microsecond:06d}" if local.microsecond else ""
    return f"{local:%Y-%m-%dT%H:%M:%S}{fraction}{sign}{abs(hours):02d}:00"


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("true", "t", "1", "yes", "y")


# ---------------------------------------------------------------------------- expectations
@dataclass
class Expected:
    """What the build must do with a case (see the module docstring)."""

    kind: str  # "error" | "loads"
    error: str = ""  # error cases: BuildError or GateError
    message: list[str] = field(default_factory=list)  # substrings; {raw} = the case folder
    full_build: bool = False  # the error comes from a full build against the served file
    accept: dict[str, bool] = field(default_factory=dict)  # gate options that accept it
    # loads (and accepted errors): per changed table "system/table"
    tables: dict[str, dict[str, int]] = field(default_factory=dict)  # rpt_load_reconciliation
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # "outcome:reason" -> rows
    # staged values: {"model", "id", "column" (an expression), "values": {id: text or None}}
    staged: list[dict] = field(default_factory=list)
    # rows audit_quarantined_records gains over the clean build, per table: [reason, id, detail]
    quarantined: dict[str, list[list[str | None]]] = field(default_factory=dict)
    # the loaded row of these ids must equal the one another case's build loads
    twin: dict = field(default_factory=dict)  # {"case", "model", "id", "ids"}
    same_marts: bool = False  # a full build whose marts equal the clean build's

    def models(self) -> list[str]:
        """The models a build must hold to check this case."""
        names = {entry["model"] for entry in self.staged}
        if self.twin:
            names.add(self.twin["model"])
        if self.quarantined:
            names.add("audit_quarantined_records")
        return sorted(names)


def counts(system: str, table: str, data: CsvFile, rejected: dict[int, str] | None = None,
           excluded: dict[int, str] | None = None, unknown: int = 0) -> dict[str, int]:
    """The reconciliation row of a table: usable rows load one version per record key."""
    rejected, excluded = rejected or {}, excluded or {}
    key = load_contract()[system].tables[table].record_key
    keys = data.keys(key)
    usable = [i for i in range(len(data.rows)) if i not in rejected and i not in excluded]
    loaded = len({keys[i] for i in usable})
    return {
        "rows_in_file": len(data.rows),
        "rows_loaded": loaded,
        "rows_superseded": len(usable) - loaded,
        "rows_excluded": len(set(excluded) - set(rejected)),
        "rows_rejected": len(rejected),
        "unknown_enum_values": unknown,
    }


def reasons(rejected: dict[int, str] | None = None,
            excluded: dict[int, str] | None = None) -> dict[str, int]:
    found = Counter(f"rejected:{r}" for r in (rejected or {}).values())
    found.update(f"excluded:{r}" for i, r in (excluded or {}).items() if i not in (rejected or {}))
    return dict(sorted(found.items()))


def clean_counts(raw: Path) -> dict[str, dict[str, int]]:
    """The reconciliation of an untouched export: every row usable (the generator's rows)."""
    found = {}
    for path in sorted(raw.glob("*/*.csv")):
        system, table = path.parent.name, path.stem
        found[f"{system}/{table}"] = counts(system, table, read_csv(path))
    return found


# ---------------------------------------------------------------------------- a variant
class Variant:
    """A case's copy of the clean export, with a random generator seeded by the case name."""

    def __init__(self, folder: Path, clean: Path, name: str):
        self.folder, self.clean, self.name = folder, clean, name
        self.rng = random.Random(f"{SEED}:{name}")

    def path(self, rel: str) -> Path:
        return self.folder / rel

    def read(self, rel: str) -> CsvFile:
        return read_csv(self.clean / rel)

    def write(self, rel: str, data: CsvFile, **style) -> None:
        write_bytes(self.path(rel), csv_bytes(data, **style))

    def singletons(self, rel: str, data: CsvFile, where: Callable[[list[str]], bool] | None = None
                   ) -> list[int]:
        """Rows whose record key occurs once (their row is the loaded version), filtered."""
        system, table = rel.removesuffix(".csv").split("/")
        keys = data.keys(load_contract()[system].tables[table].record_key)
        seen = Counter(keys)
        return [i for i, k in enumerate(keys)
                if seen[k] == 1 and None not in k and (where is None or where(data.rows[i]))]

    def pick(self, rows: list[int], count: int) -> list[int]:
        return sorted(self.rng.sample(rows, min(count, len(rows))))

    def share(self, total: int, fraction: float) -> int:
        return max(1, round(total * fraction))


def _table(rel: str) -> tuple[str, str]:
    system, table = rel.removesuffix(".csv").split("/")
    return system, table


def _loads(rel: str, data: CsvFile, rejected=None, excluded=None, unknown: int = 0,
           staged: list[dict] | None = None) -> Expected:
    """A loads expectation for one changed file."""
    system, table = _table(rel)
    return Expected(
        "loads",
        tables={f"{system}/{table}": counts(system, table, data, rejected, excluded, unknown)},
        reasons={f"{system}/{table}": reasons(rejected, excluded)},
        staged=staged or [])


def _staged(model: str, id_column: str, column: str, values: dict) -> dict:
    return {"model": model, "id": id_column, "column": column, "values": values}


# ---------------------------------------------------------------------------- encodings
def bom(v: Variant) -> Expected:
    rel = "hubspot/contact.csv"
    data = v.read(rel)
    v.write(rel, data, bom=True)  # the BOM sticks to the first column's name: id
    sample = v.pick(v.singletons(rel, data), 20)
    names = {data.rows[i][data.col("id")]: data.rows[i][data.col("property_firstname")] or None
             for i in sample}
    return _loads(rel, data, staged=[_staged("stg_hubspot__contacts", "hubspot_contact_id",
                                             "first_name", names)])


def latin1(v: Variant) -> Expected:
    rel = "zendesk/user.csv"
    data = v.read(rel)
    raw = csv_bytes(data).decode("utf-8").encode("latin-1", errors="replace")
    write_bytes(v.path(rel), raw)
    written = read_csv_text(raw.decode("latin-1"))
    name = written.col("name")
    accented = v.singletons(rel, written, lambda r: any(ord(ch) > 127 for ch in r[name]))
    names = {written.rows[i][written.col("id")]: written.rows[i][written.col("name")]
             for i in v.pick(accented, 40)}
    assert names, "the clean zendesk/user.csv has no accented names to check"
    return _loads(rel, written, staged=[_staged("stg_zendesk__users", "zendesk_user_id",
                                                "full_name", names)])


def crlf(v: Variant) -> Expected:
    rel = "hubspot/email_event.csv"
    data = v.read(rel)
    v.write(rel, data, newline="\r\n")
    sample = v.pick(v.singletons(rel, data), 20)
    # the last column of a line is where a stray carriage return would stick
    synced = {data.rows[i][data.col("id")]:
              instant_text(parse_instant(data.rows[i][data.col("_fivetran_synced")]))
              for i in sample}
    return _loads(rel, data, staged=[_staged("stg_hubspot__email_events", "email_event_id",
                                             "synced_at", synced)])


def semicolons(v: Variant) -> Expected:
    rel = "salesforce/user.csv"
    data = v.read(rel)
    v.write(rel, data, delimiter=";")
    names = {row[data.col("id")]: row[data.col("name")] for row in data.rows}
    return _loads(rel, data, staged=[_staged("stg_salesforce__users", "user_id", "full_name",
                                             names)])


# ---------------------------------------------------------------------------- rows and text
def quoted_newlines(v: Variant) -> Expected:
    rel = "hubspot/email_campaign.csv"
    data = v.read(rel)
    subject = data.col("subject")
    chosen = v.pick(v.singletons(rel, data), 30)
    subjects = {}
    for n, i in enumerate(chosen):
        text = (f"Line one of mail {n}\nline two, with a comma\r\nline \"three\"\n\n"
                f"{data.rows[i][subject] or 'end'}")
        data.rows[i][subject] = text
        subjects[data.rows[i][data.col("id")]] = text.strip()
    v.write(rel, data)
    return _loads(rel, data, staged=[_staged("stg_hubspot__email_campaigns", "email_campaign_id",
                                             "subject", subjects)])


def repeated_header(v: Variant) -> Expected:
    rel = "salesforce/opportunity.csv"
    data = v.read(rel)
    at = sorted(v.rng.sample(range(1, len(data.rows)), 3), reverse=True)
    for position in at:
        data.rows.insert(position, list(data.header))
    v.write(rel, data)
    rejected = {i: "repeated_header" for i, row in enumerate(data.rows) if row == data.header}
    return _loads(rel, data, rejected)


def empty_ids(v: Variant) -> Expected:
    rel = "zendesk/ticket_comment.csv"
    data = v.read(rel)
    chosen = v.pick(range(len(data.rows)), v.share(len(data.rows), 0.01))
    for n, i in enumerate(chosen):
        data.rows[i][data.col("id")] = "" if n % 2 else Quoted("")
    v.write(rel, data)
    return _loads(rel, data, {i: "missing_id" for i in chosen})


def huge_text(v: Variant) -> Expected:
    rel = "zendesk/ticket_comment.csv"
    data = v.read(rel)
    i = v.pick(v.singletons(rel, data), 1)[0]
    line = "2024-03-04 12:00:01 ERROR worker-7 request failed: timeout after 30s, retrying\n"
    text = "Pasted log:\n" + line * (10_000_000 // len(line)) + "end of log"
    data.rows[i][data.col("body")] = text
    v.write(rel, data)
    digest = hashlib.md5(text.encode("utf-8")).hexdigest()
    return _loads(rel, data, staged=[_staged("stg_zendesk__ticket_comments", "ticket_comment_id",
                                             "md5(body)", {data.rows[i][data.col("id")]: digest})])


def _names_replaced(v: Variant, rel: str, values: list[str], model: str, key: str,
                   column: str) -> Expected:
    """Put each of `values` (twice) into the `name` of records with one row; they must stage
    unchanged in model.column."""
    data = v.read(rel)
    chosen = v.pick(v.singletons(rel, data), len(values) * 2)
    names = {}
    for n, i in enumerate(chosen):
        data.rows[i][data.col("name")] = values[n % len(values)]
        names[data.rows[i][data.col("id")]] = values[n % len(values)]
    v.write(rel, data)
    return _loads(rel, data, staged=[_staged(model, key, column, names)])


def injections(v: Variant) -> Expected:
    return _names_replaced(v, "stripe/customer.csv", INJECTIONS, "stg_stripe__customers",
                           "customer_id", "customer_name")


def unicode_names(v: Variant) -> Expected:
    return _names_replaced(v, "zendesk/organization.csv", UNICODE_NAMES,
                           "stg_zendesk__organizations", "organization_id", "organization_name")


def leading_zero_ids(v: Variant) -> Expected:
    rel = "salesforce/task.csv"
    data = v.read(rel)
    chosen = v.pick(v.singletons(rel, data), 5)
    ids = {}
    for n, i in enumerate(chosen):
        new = f"{42 + n:05d}"  # 00042, 00043, ...
        data.rows[i][data.col("id")] = new
        ids[new] = new
    v.write(rel, data)
    return _loads(rel, data, staged=[_staged("stg_salesforce__tasks", "task_id", "task_id", ids)])


# ---------------------------------------------------------------------------- values
def us_dates(v: Variant) -> Expected:
    rel = "zendesk/ticket_comment.csv"
    data = v.read(rel)
    column = data.col("created")
    chosen = v.pick(range(len(data.rows)), v.share(len(data.rows), 0.10))
    for n, i in enumerate(chosen):
        instant = parse_instant(data.rows[i][column])
        data.rows[i][column] = f"{instant:%m/%d/%Y}" if n % 2 else f"{instant:%m/%d/%Y %H:%M}"
    v.write(rel, data)
    return _loads(rel, data, {i: "unparseable_timestamp" for i in chosen})


def _retime(v: Variant, rel: str, column: str, share: float, spell: Callable[[datetime], str],
            model: str, id_column: str, staged_column: str) -> Expected:
    data = v.read(rel)
    col = data.col(column)
    chosen = v.pick(v.singletons(rel, data), v.share(len(data.rows), share))
    instants = {}
    for i in chosen:
        data.rows[i][col] = spell(parse_instant(data.rows[i][col]))
        instants[data.rows[i][data.col("id")]] = instant_text(parse_instant(data.rows[i][col]))
    v.write(rel, data)
    return _loads(rel, data, staged=[_staged(model, id_column, staged_column, instants)])


def epoch_millis(v: Variant) -> Expected:
    return _retime(v, "zendesk/ticket.csv", "created_at", 0.3,
                   lambda t: str(round((t - EPOCH).total_seconds() * 1000)),
                   "stg_zendesk__tickets", "ticket_id", "created_at")


def offsets(v: Variant) -> Expected:
    return _retime(v, "stripe/charge.csv", "created", 0.3, lambda t: _with_offset(t, 2),
                   "stg_stripe__charges", "charge_id", "created_at")


def null_emails(v: Variant) -> Expected:
    rel = "hubspot/contact.csv"
    data = v.read(rel)
    col = data.col("property_email")
    chosen = v.pick(v.singletons(rel, data), 4 * len(NULL_SPELLINGS))
    emails = {}
    for n, i in enumerate(chosen):
        spelling = NULL_SPELLINGS[n % len(NULL_SPELLINGS)]
        data.rows[i][col] = Bare(spelling) if n % 2 else spelling
        emails[data.rows[i][data.col("id")]] = None
    v.write(rel, data)
    expected = _loads(rel, data, staged=[_staged("stg_hubspot__contacts", "hubspot_contact_id",
                                                 "email_raw", emails)])
    expected.quarantined = {"hubspot/contact": []}  # no invalid_email rows
    return expected


def invalid_emails(v: Variant) -> Expected:
    rel = "salesforce/contact.csv"
    data = v.read(rel)
    col = data.col("email")
    chosen = v.pick(v.singletons(rel, data), 2 * len(INVALID_EMAILS))
    added = []
    for n, i in enumerate(chosen):
        data.rows[i][col] = INVALID_EMAILS[n % len(INVALID_EMAILS)]
        added.append(["invalid_email", data.rows[i][data.col("id")], data.rows[i][col]])
    v.write(rel, data)
    expected = _loads(rel, data)
    expected.quarantined = {"salesforce/contact": sorted(added)}
    return expected


def negative_amounts(v: Variant) -> Expected:
    rel = "stripe/invoice.csv"
    data = v.read(rel)
    col = data.col("amount_paid")
    chosen = v.pick(range(len(data.rows)), v.share(len(data.rows), 0.03))
    for i in chosen:
        data.rows[i][col] = f"-{int(data.rows[i][col] or 0) or 100}"
    v.write(rel, data)
    return _loads(rel, data, {i: "negative_amount" for i in chosen})


def unknown_priority(v: Variant) -> Expected:
    rel = "zendesk/ticket.csv"
    data = v.read(rel)
    chosen = v.pick(v.singletons(rel, data), 25)
    for i in chosen:
        data.rows[i][data.col("priority")] = "p0"
    v.write(rel, data)
    ids = {data.rows[i][data.col("id")]: "unknown" for i in chosen}
    return _loads(rel, data, unknown=len(chosen),
                  staged=[_staged("stg_zendesk__tickets", "ticket_id", "priority", ids)])


def unknown_event_type(v: Variant) -> Expected:
    rel = "hubspot/email_event.csv"
    data = v.read(rel)
    col = data.col("type")
    chosen = v.pick(v.singletons(rel, data, lambda r: r[col].strip().upper() == "SENT"), 40)
    for i in chosen:
        data.rows[i][col] = "FOO"
    v.write(rel, data)
    ids = {data.rows[i][data.col("id")]: "unknown" for i in chosen}
    return _loads(rel, data, unknown=len(chosen),
                  staged=[_staged("stg_hubspot__email_events", "email_event_id", "event_type",
                                  ids)])


def livemode_false(v: Variant) -> Expected:
    rel = "stripe/charge.csv"
    data = v.read(rel)
    chosen = v.pick(range(len(data.rows)), v.share(len(data.rows), 0.02))
    for n, i in enumerate(chosen):
        data.rows[i][data.col("livemode")] = ("false", "FALSE", "f", "0")[n % 4]
    v.write(rel, data)
    return _loads(rel, data, excluded={i: "test-mode object (livemode false)" for i in chosen})


def _duplicate(v: Variant, conflicting_first: bool) -> Expected:
    """The same account twice, same sync and modified time, different values."""
    rel = "salesforce/account.csv"
    data = v.read(rel)
    # both orders duplicate the same account
    i = random.Random(f"{SEED}:conflicting_duplicates").choice(v.singletons(rel, data))
    other = list(data.rows[i])
    other[data.col("name")] = data.rows[i][data.col("name")] + " (renamed)"
    other[data.col("industry")] = "Conflicting Industry"
    original = data.rows[i]
    data.rows[i] = other if conflicting_first else original
    data.rows.append(original if conflicting_first else other)
    v.write(rel, data)
    expected = _loads(rel, data)
    twin = "conflicting_duplicates_order_" + ("a" if conflicting_first else "b")
    expected.twin = {"case": twin, "model": "stg_salesforce__accounts", "id": "account_id",
                     "ids": [original[data.col("id")]], "column": "account_name",
                     "candidates": [original[data.col("name")], other[data.col("name")]]}
    return expected


def duplicates_order_a(v: Variant) -> Expected:
    return _duplicate(v, conflicting_first=False)


def duplicates_order_b(v: Variant) -> Expected:
    return _duplicate(v, conflicting_first=True)


def orphan_comments(v: Variant) -> Expected:
    rel = "zendesk/ticket_comment.csv"
    data = v.read(rel)
    users = v.read("zendesk/user.csv")
    roles: dict[str, set[str]] = {}
    for row in users.rows:
        user, role = row[users.col("id")].strip(), row[users.col("role")].strip().lower()
        roles.setdefault(user, set()).add(role)
    author = data.col("user_id")
    # comments by an author with one role in every version of the user file
    chosen = v.pick(v.singletons(rel, data, lambda r: len(roles.get(r[author].strip(), ())) == 1),
                    60)
    added = []
    for n, i in enumerate(chosen):
        row = data.rows[i]
        row[data.col("ticket_id")] = f"{990000000 + n}"  # no such ticket
        agent_reply = (_truthy(row[data.col("public")])
                       and roles[row[author].strip()] <= {"agent", "admin"}
                       and not _truthy(row[data.col("_fivetran_deleted")]))
        if agent_reply:  # a support message to the requester of a ticket that does not exist
            added.append(["missing_recipient", row[data.col("id")].strip(), None])
    v.write(rel, data)
    assert added, "no orphaned agent reply: pick more comments"
    expected = _loads(rel, data, staged=[_staged(
        "stg_zendesk__ticket_comments", "ticket_comment_id", "ticket_id",
        {data.rows[i][data.col("id")]: data.rows[i][data.col("ticket_id")] for i in chosen})])
    expected.quarantined = {"zendesk/ticket_comment": sorted(added)}
    return expected


def shuffled(v: Variant) -> Expected:
    expected = Expected("loads", same_marts=True)
    for path in sorted(v.clean.glob("*/*.csv")):
        rel = f"{path.parent.name}/{path.name}"
        data = read_csv(path)
        v.rng.shuffle(data.rows)
        v.write(rel, data)
        expected.tables[rel.removesuffix(".csv")] = counts(*_table(rel), data)
        expected.reasons[rel.removesuffix(".csv")] = {}
    return expected


# ---------------------------------------------------------------------------- structure
def missing_column(v: Variant) -> Expected:
    rel = "salesforce/contact.csv"
    data = v.read(rel)
    drop = data.col("email")
    data.header.pop(drop)
    for row in data.rows:
        row.pop(drop)
    v.write(rel, data)
    return Expected("error", "BuildError", [
        f"{{raw}}/{rel}: required column(s) email missing from salesforce/contact"])


def header_only(v: Variant) -> Expected:
    rel = "zendesk/user.csv"
    data = v.read(rel)
    v.write(rel, CsvFile(data.header, []))
    expected = _loads(rel, CsvFile(data.header, []))
    expected.kind, expected.error = "error", "GateError"
    expected.message = [f"{{raw}}/{rel} has no rows (header only)", "--accept-shrink"]
    expected.accept = {"accept_shrink": True}
    return expected


def zero_bytes(v: Variant) -> Expected:
    rel = "zendesk/ticket.csv"
    write_bytes(v.path(rel), b"")
    return Expected("error", "BuildError", [f"{{raw}}/{rel}: the file is empty (0 bytes"])


def missing_file(v: Variant) -> Expected:
    v.path("hubspot/email_event.csv").unlink()
    return Expected("error", "BuildError", [
        "{raw}/hubspot: required table hubspot/email_event missing", "email_event.csv"])


def _cut(v: Variant, rel: str, fraction: float) -> Expected:
    """End the file inside a quoted value of the row at `fraction` of its bytes."""
    clean = (v.clean / rel).read_bytes()
    start = clean.rfind(b'","', 0, int(len(clean) * fraction)) + 5
    write_bytes(v.path(rel), clean[:start])
    line = clean[:start].count(b"\n") + 1  # the cut line, counting the header as line 1
    return Expected("error", "BuildError", [f"{{raw}}/{rel}", f"line {line}"])


def cut_mid_line(v: Variant) -> Expected:
    return _cut(v, "zendesk/ticket_comment.csv", 0.5)


def cut_last_line(v: Variant) -> Expected:
    return _cut(v, "salesforce/contact.csv", 0.999)


def truncated_half(v: Variant) -> Expected:
    rel = "hubspot/email_event.csv"
    data = v.read(rel)
    v.write(rel, CsvFile(data.header, data.rows[: len(data.rows) // 2]))
    return Expected("error", "GateError", ["fct_communications", "--accept-shrink"],
                    full_build=True)


# ---------------------------------------------------------------------------- the corpus
@dataclass(frozen=True)
class Case:
    name: str
    broken: str  # what is broken
    file: str  # the file it breaks ("*" for every file)
    mutate: Callable[[Variant], Expected]
    outcome: str  # the expected outcome, in words (the details come from mutate)
    bug: str = ""  # the project does not do this yet: the test is xfail(strict) with this reason


CASES: list[Case] = [
    Case("bom", "UTF-8 byte-order mark before the header", "hubspot/contact.csv", bom,
         "loads: every row, the first column (id) found, names as written"),
    Case("latin1", "the file is Latin-1, not UTF-8", "zendesk/user.csv", latin1,
         "loads: every row, accented names decoded"),
    Case("crlf", "CRLF line endings", "hubspot/email_event.csv", crlf,
         "loads: every row, the last column's timestamps read (no stray carriage return)"),
    Case("semicolon_delimited", "semicolons instead of commas", "salesforce/user.csv", semicolons,
         "loads: the delimiter is detected, every row and value as written"),
    Case("quoted_newlines", "newlines (LF and CRLF) inside quoted campaign subjects",
         "hubspot/email_campaign.csv", quoted_newlines,
         "loads: one row per record, subjects with their newlines"),
    Case("repeated_header", "the header row repeated 3 times mid-file",
         "salesforce/opportunity.csv", repeated_header, "loads: 3 rows rejected repeated_header"),
    Case("us_dates", "10% of required timestamps as 03/04/2024 (with or without time)",
         "zendesk/ticket_comment.csv", us_dates,
         "loads: those rows rejected unparseable_timestamp"),
    Case("epoch_millis", "30% of ticket created_at as epoch milliseconds", "zendesk/ticket.csv",
         epoch_millis, "loads: same instants, nothing rejected"),
    Case("offsets", "30% of charge created as +02:00 local times", "stripe/charge.csv", offsets,
         "loads: same UTC instants, nothing rejected"),
    Case("null_spellings", "contact emails spelled NULL, null, \\N, N/A (quoted and bare)",
         "hubspot/contact.csv", null_emails,
         "loads: emails null, no invalid_email quarantine rows"),
    Case("negative_amounts", "3% of invoice amount_paid negative", "stripe/invoice.csv",
         negative_amounts, "loads: those rows rejected negative_amount"),
    Case("leading_zero_ids", "task ids 00042..00046", "salesforce/task.csv", leading_zero_ids,
         "loads: ids kept as text, zeros included"),
    Case("text_10mb", "one comment body of 10 MB", "zendesk/ticket_comment.csv", huge_text,
         "loads: the body intact"),
    Case("injection_strings", "SQL, formula and template injection strings as customer names",
         "stripe/customer.csv", injections, "loads: the names as text, unchanged"),
    Case("emoji_rtl", "emoji, ZWJ sequences, Arabic, Hebrew, RTL override in names",
         "zendesk/organization.csv", unicode_names, "loads: the names as text, unchanged"),
    Case("conflicting_duplicates_order_a", "an account twice (same id and sync time, "
         "different values), original first", "salesforce/account.csv", duplicates_order_a,
         "loads: one version, one superseded; the same version as order_b"),
    Case("conflicting_duplicates_order_b", "the same two rows, conflicting version first",
         "salesforce/account.csv", duplicates_order_b,
         "loads: the same version as order_a, whatever the row order"),
    Case("unknown_priority", "ticket priority p0", "zendesk/ticket.csv", unknown_priority,
         "loads: priority 'unknown', counted in unknown_enum_values"),
    Case("unknown_event_type", "HubSpot SENT events re-typed FOO", "hubspot/email_event.csv",
         unknown_event_type, "loads: type 'unknown', counted in unknown_enum_values"),
    Case("test_mode_rows", "2% of charges with livemode false", "stripe/charge.csv", livemode_false,
         "loads: those rows excluded (test-mode object)"),
    Case("orphan_comments", "ticket comments whose ticket does not exist",
         "zendesk/ticket_comment.csv", orphan_comments,
         "loads: comments staged; agent replies quarantined missing_recipient"),
    Case("invalid_emails", "contact emails that are not addresses", "salesforce/contact.csv",
         invalid_emails, "loads: quarantined invalid_email with the raw value"),
    Case("empty_ids", "1% of comment ids empty (bare and quoted)", "zendesk/ticket_comment.csv",
         empty_ids, "loads: those rows rejected missing_id"),
    Case("shuffled_rows", "every file's rows in another order", "*", shuffled,
         "loads: every mart identical to the clean build's"),
    Case("missing_required_column", "contact without its email column", "salesforce/contact.csv",
         missing_column, "BuildError before dbt, naming the file and the column"),
    Case("header_only", "a core file with its header only", "zendesk/user.csv", header_only,
         "GateError before dbt, naming the file; loads 0 rows with --accept-shrink"),
    Case("zero_bytes", "a zero-byte file", "zendesk/ticket.csv", zero_bytes,
         "BuildError before dbt, naming the file"),
    Case("missing_required_file", "email_event.csv absent", "hubspot/email_event.csv",
         missing_file, "BuildError before dbt, naming the folder and the table"),
    Case("cut_mid_line", "the file ends inside a value, half-way", "zendesk/ticket_comment.csv",
         cut_mid_line, "BuildError before dbt, naming the file and the cut line"),
    Case("cut_last_line", "the file ends inside a value of its last line",
         "salesforce/contact.csv", cut_last_line,
         "BuildError before dbt, naming the file and the cut line"),
    Case("truncated_half", "email_event cut to its first half at a row boundary",
         "hubspot/email_event.csv", truncated_half,
         "GateError after a full build: fct_communications shrank > 20%, served file kept"),
]


def case(name: str) -> Case:
    for entry in CASES:
        if entry.name == name:
            return entry
    raise KeyError(name)


def link_or_copy(source: Path, target: Path) -> None:
    """target = source, as a hard link (a copy where links are refused)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_tree(clean: Path, folder: Path) -> None:
    """folder = clean, file by file (hard links where the file system allows them)."""
    for path in sorted(clean.rglob("*")):
        if path.is_file():
            link_or_copy(path, folder / path.relative_to(clean))


def changed_files(clean: Path, folder: Path) -> list[str]:
    """The files (system/table.csv) a case folder changed, added or removed."""
    names = {str(p.relative_to(clean)) for p in clean.glob("*/*") if p.is_file()}
    names |= {str(p.relative_to(folder)) for p in folder.glob("*/*") if p.is_file()}
    changed = []
    for name in sorted(names):
        a, b = clean / name, folder / name
        if not (a.exists() and b.exists()):
            changed.append(name)
        elif not os.path.samefile(a, b) and (a.stat().st_size != b.stat().st_size
                                             or a.read_bytes() != b.read_bytes()):
            changed.append(name)
    return changed


def make_case(clean: Path, out: Path, entry: Case) -> Expected:
    """Write one case's folder (out/<name>) and its expected.json; return the expectation."""
    clean, folder = Path(clean), Path(out) / entry.name
    if folder.exists():
        shutil.rmtree(folder)
    raw = folder / "raw"
    link_tree(clean, raw)
    expected = entry.mutate(Variant(raw, clean, entry.name))
    changed = changed_files(clean, raw)
    declared = ([str(p.relative_to(clean)) for p in clean.glob("*/*.csv")]
                if entry.file == "*" else [entry.file])
    if sorted(changed) != sorted(declared):
        raise AssertionError(f"{entry.name}: changed {changed}, declared {declared}")
    (folder / "expected.json").write_text(json.dumps(asdict(expected), indent=1, sort_keys=True,
                                                     ensure_ascii=False))
    return expected


def make_corpus(clean_raw: Path | str, out_dir: Path | str,
                cases: list[Case] | None = None) -> dict[str, Expected]:
    """One folder per case under out_dir (`<name>/raw/<system>/<table>.csv` and
    `<name>/expected.json`), from the clean export clean_raw; returns name -> expectation."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {entry.name: make_case(Path(clean_raw), out, entry) for entry in (cases or CASES)}


def markdown_table(cases: list[Case] | None = None) -> str:
    """The corpus as a Markdown table (docs/malformed-corpus.md)."""
    lines = ["| case | file | what is broken | expected outcome |", "|---|---|---|---|"]
    for entry in cases or CASES:
        outcome = entry.outcome + (f" **(xfail: {entry.bug})**" if entry.bug else "")
        lines.append(f"| `{entry.name}` | `{entry.file}` | {entry.broken} | {outcome} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clearinghouse.corpus",
                                     description="write the malformed-export corpus")
    parser.add_argument("clean_raw", help="a clean export folder (clearinghouse generate --out)")
    parser.add_argument("out_dir", help="where to write one folder per case")
    parser.add_argument("--case", action="append", help="only this case (repeatable)")
    args = parser.parse_args(argv)
    chosen = [case(name) for name in args.case] if args.case else CASES
    for name, expected in make_corpus(args.clean_raw, args.out_dir, chosen).items():
        print(f"{name:<34} {expected.kind:<6} {Path(args.out_dir) / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
