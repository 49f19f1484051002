"""Segment export: the contacts of a segment that customer marketing may email, ready to load.

`prepare_export(segment_id, db_path, send_date, fmt, mask_pii, ...)` reads the marts
(read-only): the accounts currently in the segment (fct_segment_membership), their
contacts (dim_contacts) and account facts (dim_accounts). Each contact becomes one planned
message (team marketing, category promotional, channel email) at the send time and goes
through the pre-send check's decision (clearinghouse.presend.decide, the evaluator of
clearinghouse.policy) against the history; contacts with no email are suppressed
(`no_email`), and so are contacts deleted in every source system (`deleted_everywhere`),
before the policy is asked; an opted-out contact is always suppressed, by the
policy's opted_out_send rule or, when the policy has none that counts the message, by the
built-in `opt_out_floor` rule (same evaluator). The planned message to contact C is named
`export:C` (in the evidence of suppressed.csv). The result holds every file as bytes
(`ExportResult.files`, what the dashboard offers for download); `export_segment(segment_id,
out_dir, ...)` (the CLI) writes exactly those bytes into out_dir:

- contacts.csv | contacts.parquet   the allowed contacts, with what marketing needs
- hubspot_import.csv                 HubSpot contact import (Email, First Name, ...)
- salesforce_campaign_members.csv    ContactId, CampaignId, Status = Planned
- suppressed.csv                     every suppressed contact, every rule it breaks, the
                                     evidence and the earliest time it would be allowed
- brief.md, brief.html               the campaign brief (clearinghouse.brief)

Send time: --send-date YYYY-MM-DD sends at --send-hour (default 10:00) in each contact's
local time; a full timestamp (naive = UTC) sends everyone at that instant; default the day
after the data's end (rpt_data_end). --mask-pii replaces emails by salted SHA-256
(salt: $CLEARINGHOUSE_PII_SALT) and drops names. Every CSV goes through safe_csv.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from clearinghouse.brief import brief_files
from clearinghouse.parsing import parse_timestamp
from clearinghouse.paths import warehouse_path
from clearinghouse.policy import (
    Ledger,
    Message,
    Rule,
    load_context,
    load_history,
    load_rules,
    zone_info,
)
from clearinghouse.presend import (
    add_earliest_allowed,
    decide,
    evidence,
    load_reference,
    owners_to_notify,
    planned_message,
)
from clearinghouse.safe_csv import csv_bytes

SALT_ENV = "CLEARINGHOUSE_PII_SALT"
TEAM, CATEGORY, CHANNEL = "marketing", "promotional", "email"
DEFAULT_SEND_HOUR = 10
NO_EMAIL = "no_email"
DELETED = "deleted_everywhere"
OPT_OUT_FLOOR = "opt_out_floor"

CONTACT_COLUMNS = (
    "contact_id", "email", "first_name", "last_name", "full_name", "title", "persona",
    "account_id", "account_name", "domain", "owner_name", "owner_team", "plan",
    "journey_stage", "time_zone", "country", "region", "segment_id", "segment_name",
    "salesforce_contact_id", "planned_at",
)
NAME_COLUMNS = ("first_name", "last_name", "full_name")
SUPPRESSED_COLUMNS = (
    *CONTACT_COLUMNS, "rule_id", "rule_ids", "severity", "reasons", "evidence",
    "earliest_allowed_at", "earliest_allowed_reason",
)
HUBSPOT_COLUMNS = {  # HubSpot contact import header -> our column
    "Email": "email", "First Name": "first_name", "Last Name": "last_name",
    "Job Title": "title", "Company Name": "account_name", "Company Domain Name": "domain",
    "Country/Region": "country",
}
SALESFORCE_COLUMNS = ("ContactId", "CampaignId", "Status", "Email")

_CONTACTS_SQL = """
select c.contact_id, c.email, c.first_name, c.last_name, c.full_name, c.title, c.persona,
       c.account_id, a.account_name, a.primary_domain as domain, a.owner_name, a.owner_team,
       a.plan, a.journey_stage, c.time_zone, c.country, a.region, s.segment_id,
       s.segment_name, nullif(split_part(c.salesforce_contact_ids, ',', 1), '')
           as salesforce_contact_id, coalesce(c.is_deleted_everywhere, false)
           as is_deleted_everywhere
from fct_segment_membership s
join dim_contacts c on c.account_id = s.account_id
left join dim_accounts a on a.account_id = s.account_id
where s.segment_id = ?
order by c.contact_id
"""


class ExportError(ValueError):
    """The export cannot run (unknown segment, bad send date, missing salt); the message is
    ready to show."""


@dataclass
class ExportResult:
    segment_id: str
    send_at: str
    contacts: pd.DataFrame  # every contact of the segment (unmasked)
    allowed: pd.DataFrame
    suppressed: pd.DataFrame
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> its bytes
    out_dir: Path | None = None  # where export_segment wrote `files` (None: in memory only)
    by_rule: dict[str, int] = field(default_factory=dict)  # every rule broken
    by_main_rule: dict[str, int] = field(default_factory=dict)  # most severe rule

    @property
    def paths(self) -> list[Path]:
        """The written files (none before export_segment wrote them)."""
        return [] if self.out_dir is None else [self.out_dir / name for name in self.files]

    def summary(self) -> str:
        lines = [
            f"DRY RUN segment {self.segment_id}: send {self.send_at}",
            f"  contacts in segment : {len(self.contacts)}",
            f"  allowed             : {len(self.allowed)}",
            f"  suppressed          : {len(self.suppressed)}",
        ]
        if self.by_rule:
            lines.append("  suppressed by rule (a contact can break several; main = most "
                         "severe):")
            width = max(len(rule) for rule in self.by_rule)
            for rule, count in sorted(self.by_rule.items(), key=lambda i: (-i[1], i[0])):
                lines.append(f"    {rule:<{width}}  {count:>5}  (main: "
                             f"{self.by_main_rule.get(rule, 0)})")
        later = int(self.suppressed["earliest_allowed_at"].notna().sum()) \
            if len(self.suppressed) else 0
        lines.append(f"  suppressed that could go later: {later}")
        where = f"written to {self.out_dir}" if self.out_dir is not None else "in memory"
        lines.append(f"{where}: " + ", ".join(self.files))
        return "\n".join(lines)


def with_opt_out_floor(rules: list[Rule]) -> list[Rule]:
    """The rules, plus (first) an opted_out_send rule counting the export's message when no
    active rule of that type does: an opted-out contact is never exported as allowed,
    whatever the policy seed says (the legal floor), and the evaluator decides it."""
    probe = Message("probe", "probe", None, TEAM, CATEGORY, CHANNEL, datetime(2000, 1, 1))
    if any(rule.rule_type == "opted_out_send" and rule.counts(probe) for rule in rules):
        return list(rules)
    floor = Rule(rule_id=OPT_OUT_FLOOR, rule_type="opted_out_send", scope="contact",
                 description="No marketing email to a contact opted out in any system "
                 "(built into the export)", severity="high",
                 counted_categories=frozenset({CATEGORY}))
    return [floor, *rules]


def known_segments(connection) -> list[str]:
    """Segment ids with members or declared active in dim_segments."""
    ids = {row[0] for row in connection.execute(
        "select distinct segment_id from fct_segment_membership").fetchall()}
    try:
        ids |= {row[0] for row in connection.execute(
            "select segment_id from dim_segments where is_active"
        ).fetchall()}
    except duckdb.CatalogException:
        pass
    return sorted(ids)


def default_send_date(connection) -> date:
    """The day after the data's end."""
    return connection.execute("select data_end_date from rpt_data_end").fetchone()[0] \
        + timedelta(days=1)


def send_time(send_date: str | date | None, time_zone: str, hour: int,
              fallback: date) -> datetime:
    """UTC send time of one contact: a date -> `hour`:00 local time; a timestamp -> it."""
    if isinstance(send_date, str) and len(send_date.strip()) > 10:
        moment = parse_timestamp(send_date)
        if moment is None:
            raise ExportError(f"--send-date {send_date!r} is neither a date nor a timestamp")
        return moment
    if send_date is None:
        day = fallback
    elif isinstance(send_date, date):
        day = send_date
    else:
        try:
            day = date.fromisoformat(send_date.strip())
        except ValueError:
            raise ExportError(
                f"--send-date {send_date!r} is neither a date (YYYY-MM-DD) nor a timestamp"
            ) from None
    local = datetime(day.year, day.month, day.day, hour)
    return local.replace(tzinfo=zone_info(time_zone or "UTC")).astimezone(UTC) \
        .replace(tzinfo=None)


def mask_email(email: str | None, salt: str) -> str | None:
    """Salted SHA-256 (hex) of an email; None stays None."""
    if email is None or (isinstance(email, float) and email != email):
        return None
    return hashlib.sha256((salt + email).encode("utf-8")).hexdigest()


def _mask(frame: pd.DataFrame, salt: str | None) -> pd.DataFrame:
    if salt is None:
        return frame
    masked = frame.drop(columns=[c for c in NAME_COLUMNS if c in frame.columns])
    masked["email"] = [mask_email(email, salt) for email in masked["email"]]
    return masked


def _check_options(fmt: str, mask_pii: bool, send_hour: int) -> str | None:
    """The PII salt (None without --mask-pii); ExportError for a bad option."""
    if not 0 <= send_hour <= 23:
        raise ExportError(f"--send-hour {send_hour}: an hour from 0 to 23")
    if fmt not in ("csv", "parquet"):
        raise ExportError(f"--format {fmt!r}: csv or parquet")
    if not mask_pii:
        return None
    salt = os.environ.get(SALT_ENV)
    if not salt:
        raise ExportError(f"--mask-pii needs a salt in ${SALT_ENV} (a secret string, the "
                          "same for every export you want to join)")
    return salt


def _blocked(row: dict, ledger: Ledger) -> dict | None:
    """The suppressed row of a contact with nothing to send to (no email, deleted in every
    system), with the rules it would break as well, for the record; None otherwise."""
    blocked = [(name, why) for name, why, applies in (
        (NO_EMAIL, "the contact has no email", not row["email"]),
        (DELETED, "the contact is deleted in every source system",
         bool(row["is_deleted_everywhere"])),
    ) if applies]
    if not blocked:
        return None
    violations = ledger.check(planned_message(row))
    return {
        **row, "rule_id": blocked[0][0],
        "rule_ids": ",".join([*(name for name, _ in blocked),
                              *(v.rule_id for v in violations)]),
        "severity": "high",
        "reason": "; ".join([*(f"{name}: {why}" for name, why in blocked),
                             *(f"{v.rule_id}: {v.reason}" for v in violations)]),
        "evidence": " | ".join([*(f"{name}={row['planned_message_id']}" for name, _ in blocked),
                                *filter(None, [evidence(violations)])]),
        "earliest_allowed_at": None,
        "earliest_allowed_reason": f"never: {blocked[0][1]}",
    }


def _files(allowed: pd.DataFrame, suppressed: pd.DataFrame, fmt: str, campaign_id: str,
           salt: str | None) -> dict[str, bytes]:
    """The export's data files (without the brief), name -> bytes; CSVs through safe_csv."""
    files = {}
    safe_allowed = _mask(allowed, salt)
    if fmt == "parquet":
        buffer = io.BytesIO()
        safe_allowed.to_parquet(buffer, index=False)
        files["contacts.parquet"] = buffer.getvalue()
    else:
        files["contacts.csv"] = csv_bytes(safe_allowed)
    files["hubspot_import.csv"] = csv_bytes(pd.DataFrame({
        header: safe_allowed[column] for header, column in HUBSPOT_COLUMNS.items()
        if column in safe_allowed.columns}))
    salesforce = safe_allowed[safe_allowed["salesforce_contact_id"].notna()]
    files["salesforce_campaign_members.csv"] = csv_bytes(pd.DataFrame({
        "ContactId": salesforce["salesforce_contact_id"],
        "CampaignId": campaign_id,
        "Status": "Planned",
        "Email": salesforce["email"],
    }, columns=list(SALESFORCE_COLUMNS)))
    files["suppressed.csv"] = csv_bytes(_mask(suppressed, salt))
    return files


def prepare_export(segment_id: str, db_path: Path | None = None,
                   send_date: str | date | None = None, fmt: str = "csv",
                   mask_pii: bool = False, campaign_id: str = "",
                   send_hour: int = DEFAULT_SEND_HOUR, rules=None) -> ExportResult:
    """The export of a segment (see the module doc), in memory: the result's `files` maps
    each file name to the exact bytes `export_segment` writes (the CLI and the dashboard
    share this code). `rules`: the policy to apply (default: the warehouse's active rules)."""
    salt = _check_options(fmt, mask_pii, send_hour)
    db_path = Path(db_path) if db_path else warehouse_path()
    with duckdb.connect(str(db_path), read_only=True) as connection:
        segments = known_segments(connection)
        if segment_id not in segments:
            raise ExportError(f"unknown segment {segment_id!r}; known segments: "
                              f"{', '.join(segments)}")
        rules = with_opt_out_floor(load_rules(connection) if rules is None else rules)
        fallback = default_send_date(connection)
        contacts = connection.execute(_CONTACTS_SQL, [segment_id]).df()
        context = load_context(connection)
        history = load_history(connection)
        reference = load_reference(connection, rules)

        context.flag_opt_out_at = datetime.min  # a flag-only opt-out is current (as presend)
        ledger = Ledger(rules, context)
        for message in history:
            ledger.add(message)
        times = [send_time(send_date, time_zone, send_hour, fallback)
                 for time_zone in contacts["time_zone"].fillna("UTC")]
        records = contacts.astype(object).where(contacts.notna(), None).to_dict("records")
        contacts["planned_at"] = times
        candidates, no_email = [], []
        for row_id, (record, planned_at) in enumerate(zip(records, times, strict=True),
                                                      start=1):
            row = {**record, "planned_at": planned_at, "row_id": row_id,
                   "planned_message_id": f"export:{record['contact_id']}",
                   "team": TEAM, "category": CATEGORY, "channel": CHANNEL,
                   "campaign": campaign_id}
            blocked = _blocked(row, ledger)
            if blocked is None:
                candidates.append(row)
            else:
                no_email.append(blocked)
        allowed, suppressed = decide(candidates, rules, ledger)
        add_earliest_allowed(suppressed, ledger)
        suppressed += no_email
        for row in suppressed:
            row["reasons"] = row["reason"]
        by_id = lambda rows: sorted(rows, key=lambda row: row["contact_id"])  # noqa: E731
        allowed_frame = pd.DataFrame([{c: row.get(c) for c in CONTACT_COLUMNS}
                                      for row in by_id(allowed)], columns=list(CONTACT_COLUMNS))
        suppressed_frame = pd.DataFrame([{c: row.get(c) for c in SUPPRESSED_COLUMNS}
                                         for row in by_id(suppressed)],
                                        columns=list(SUPPRESSED_COLUMNS))
        send_label = (f"{send_date}" if isinstance(send_date, str) and len(send_date) > 10
                      else f"{send_date or fallback} {send_hour:02d}:00 local time")
        files = _files(allowed_frame, suppressed_frame, fmt, campaign_id, salt)
        segment_name = contacts["segment_name"].iloc[0] if len(contacts) else segment_id
        files |= brief_files(
            connection, f"segment {segment_id} ({segment_name})", allowed, suppressed,
            pd.DataFrame(owners_to_notify(allowed, suppressed, reference, rules)), rules,
            intro=[f"Warehouse: {db_path}.",
                   f"Planned: one {CATEGORY} {CHANNEL} from {TEAM} to each contact of the "
                   f"{contacts['account_id'].nunique()} accounts in segment {segment_id}, "
                   f"sent {send_label}.",
                   f"{len(no_email)} contact(s) have no email or are deleted everywhere "
                   f"(suppressed as {NO_EMAIL} / {DELETED})."],
        )
    return ExportResult(
        segment_id=segment_id, send_at=send_label, contacts=contacts, allowed=allowed_frame,
        suppressed=suppressed_frame, files=files,
        by_rule=dict(Counter(rule for row in suppressed for rule in row["rule_ids"].split(","))),
        by_main_rule=dict(Counter(row["rule_id"] for row in suppressed)),
    )


def export_segment(segment_id: str, out_dir: Path, db_path: Path | None = None,
                   send_date: str | date | None = None, fmt: str = "csv",
                   mask_pii: bool = False, campaign_id: str = "",
                   send_hour: int = DEFAULT_SEND_HOUR, rules=None,
                   verbose: bool = False) -> ExportResult:
    """`prepare_export`, then write its files into out_dir (created when missing)."""
    result = prepare_export(segment_id, db_path, send_date=send_date, fmt=fmt,
                            mask_pii=mask_pii, campaign_id=campaign_id, send_hour=send_hour,
                            rules=rules)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in result.files.items():
        (out_dir / name).write_bytes(data)
    result.out_dir = out_dir
    if verbose:
        print(result.summary())
    return result


def main(argv: list[str] | None = None) -> int:
    """`clearinghouse export segment SEGMENT_ID [...]` (also: python -m clearinghouse.export
    segment ...)."""
    import argparse

    parser = argparse.ArgumentParser(prog="clearinghouse export")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


def add_arguments(parser) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True)
    segment = kinds.add_parser("segment", help="the contacts of a segment marketing may email")
    segment.add_argument("segment_id")
    segment.add_argument("--send-date", help="YYYY-MM-DD (at --send-hour local time) or a "
                         "timestamp (UTC); default the day after the data's end")
    segment.add_argument("--send-hour", type=int, default=DEFAULT_SEND_HOUR,
                         help="local hour of the send on --send-date (default 10)")
    segment.add_argument("--format", choices=["csv", "parquet"], default="csv")
    segment.add_argument("--mask-pii", action="store_true",
                         help=f"hash emails (salted SHA-256, salt ${SALT_ENV}), drop names")
    segment.add_argument("--campaign-id", default="",
                         help="Salesforce CampaignId for the campaign-member file")
    segment.add_argument("--out", default="export", help="output folder (default export/)")
    segment.add_argument("--db", help="warehouse file (default $CLEARINGHOUSE_DB)")


def run(args) -> int:
    try:
        export_segment(args.segment_id, Path(args.out), Path(args.db) if args.db else None,
                       send_date=args.send_date, fmt=args.format, mask_pii=args.mask_pii,
                       campaign_id=args.campaign_id, send_hour=args.send_hour, verbose=True)
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
