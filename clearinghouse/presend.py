"""Pre-send check: which planned messages may go out without breaking the policy.

`check_plan(name, data, db_path)` reads a planned campaign (columns `email,
planned_at, team, category, channel, campaign`; `contact_id` instead of or beside `email`),
resolves each row to a contact of the built warehouse, and decides, in priority order
(category_priority of the policy seed, most important first, then planned_at, then input
row), whether it can be sent: a candidate is allowed when, given the history
(fct_communications) and the candidates already allowed, it breaks no active rule and
pushes no known message over a window limit (clearinghouse.policy). The result holds
every output file as bytes (`PresendResult.files`, the dashboard's downloads);
`presend(planned_csv, out_dir, db_path)` (the CLI) reads the file and writes exactly those
bytes into out_dir:

- allowed.csv            the messages that may be sent
- suppressed.csv         + rule_id (most severe), rule_ids (all), reason, caused_by_message_ids,
                         evidence (every rule's causes), earliest_allowed_at (+ reason)
- owners_to_notify.csv   account owners to tell before sending (other-team outreach)
- errors.csv             rows that cannot be checked: error code + reason
- brief.md, brief.html   the campaign brief (clearinghouse.brief)

Every input row lands in exactly one of allowed / suppressed / errors. Planned messages
are named `planned:<row>` (row = 1-based data row of the file, as stg_planned__sends).

The planned file may be UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252 /
Latin-1, delimited by comma, semicolon, tab or pipe; a file that cannot be used (not text,
no header, required columns missing) raises PresendInputError, whose message names the file.
The output CSVs go through clearinghouse.safe_csv: text cells starting with = + - @ tab or
CR get a leading `'` so that a spreadsheet does not execute them.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from clearinghouse.brief import brief_files
from clearinghouse.parsing import normalise_email, parse_timestamp
from clearinghouse.paths import warehouse_path
from clearinghouse.policy import (
    Context,
    Ledger,
    Message,
    Rule,
    category_priority,
    earliest_allowed_at,
    load_context,
    load_history,
    load_rules,
)
from clearinghouse.safe_csv import csv_bytes

INPUT_COLUMNS = ("email", "contact_id", "planned_at", "team", "category", "channel", "campaign")
ROW_COLUMNS = ("row_id", "planned_message_id", *INPUT_COLUMNS)
RESOLVED_COLUMNS = (
    "row_id", "planned_message_id", "email", "contact_id", "account_id", "planned_at",
    "team", "category", "channel", "campaign",
)
ALLOWED_COLUMNS = RESOLVED_COLUMNS
SUPPRESSED_COLUMNS = (*RESOLVED_COLUMNS, "rule_id", "rule_ids", "severity", "reason",
                      "caused_by_message_ids", "evidence", "earliest_allowed_at",
                      "earliest_allowed_reason")
ERROR_COLUMNS = (*ROW_COLUMNS, "error", "reason")
OWNER_COLUMNS = (
    "account_id", "account_name", "owner_user_id", "owner_name", "owner_team",
    "allowed_message_count", "other_team_message_count", "contact_count", "teams",
    "categories", "first_planned_at", "last_planned_at", "suppressed_owner_not_looped_count",
    "notify_reason",
)

def planned_id(row_id: int) -> str:
    return f"planned:{row_id}"


@dataclass
class PresendResult:
    allowed: pd.DataFrame
    suppressed: pd.DataFrame
    errors: pd.DataFrame
    owners_to_notify: pd.DataFrame
    input_rows: int
    suppressed_by_rule: dict[str, int] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> its bytes
    out_dir: Path | None = None  # where presend wrote `files` (None: in memory only)

    def summary(self) -> str:
        lines = [
            f"{self.input_rows} planned rows: {len(self.allowed)} allowed, "
            f"{len(self.suppressed)} suppressed, {len(self.errors)} errors; "
            f"{len(self.owners_to_notify)} account owners to notify",
        ]
        lines += [f"  suppressed by {rule}: {count}"
                  for rule, count in sorted(self.suppressed_by_rule.items())]
        if len(self.errors):
            for error, count in sorted(Counter(self.errors["error"]).items()):
                lines.append(f"  error {error}: {count}")
        lines.append(f"written to {self.out_dir}" if self.out_dir is not None
                     else "in memory: " + ", ".join(self.files))
        return "\n".join(lines)


@dataclass
class Reference:
    """What row validation needs from the warehouse."""

    emails: dict[str, tuple[str, int]]  # normalised email -> (contact_id, contact_count)
    contacts: dict[str, str | None]  # contact_id -> account_id
    teams: set[str]
    categories: set[str]
    channels: set[str]
    accounts: dict[str, tuple]  # account_id -> (name, owner_user_id, owner_name, owner_team)


def _values(connection, sql: str) -> set[str]:
    return {row[0] for row in connection.execute(sql).fetchall() if row[0]}


def load_reference(connection, rules: list[Rule]) -> Reference:
    """The warehouse facts planned rows are resolved and validated against: emails, contacts
    and their accounts, known teams, categories and channels, account owners."""
    emails = {
        email: (contact_id, int(count))
        for email, contact_id, count in connection.execute(
            "select email, contact_id, contact_count from int_identity__contact_emails"
        ).fetchall()
    }
    contacts = dict(connection.execute("select contact_id, account_id from dim_contacts")
                    .fetchall())
    teams = (
        _values(connection, "select distinct team from crm_role_teams")
        | _values(connection, "select distinct team from fct_communications")
    ) - {"unassigned"}
    categories = (
        _values(connection, "select distinct default_category from team_categories")
        | _values(connection, "select distinct category from hubspot_campaign_types")
        | _values(connection, "select distinct category from fct_communications")
        | set(category_priority(rules))
    )
    channels = _values(connection, "select distinct channel from fct_communications")
    for rule in rules:
        channels |= set(rule.channels or ())
    accounts = {
        row[0]: row[1:]
        for row in connection.execute(
            "select account_id, account_name, owner_user_id, owner_name, owner_team "
            "from dim_accounts"
        ).fetchall()
    }
    return Reference(emails, contacts, teams, categories, channels, accounts)


class PresendInputError(ValueError):
    """The planned file cannot be used (unreadable, not CSV, required columns missing); the
    message names the file and says why, ready to show to the user."""


REQUIRED_COLUMNS = ("planned_at", "team", "category", "channel")  # + email and/or contact_id
DELIMITERS = ",;\t|"
ENCODINGS = ("utf-8-sig", "cp1252")
_SEP_HINT = re.compile(r"\s*sep=([,;\t|])[ ]*(\r\n|\r|\n|$)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode(name: str, data: bytes) -> str:
    """The text of the planned file: UTF-16 when it has a UTF-16 byte-order mark (Excel's
    "Unicode text"), else UTF-8 (with or without BOM), else Windows-1252 (Latin-1)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        if "\x00" in sample or len(_CONTROL.findall(sample)) > max(2, len(sample) // 100):
            break  # decodes, but is binary content
        return text
    raise PresendInputError(
        f"{name}: cannot be read as CSV (not a text file in UTF-8, UTF-16 or Windows-1252 / "
        "Latin-1; binary content?)"
    )


def _header_matches(line: str, delimiter: str) -> int:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return sum((cell or "").strip().lower() in INPUT_COLUMNS for cell in cells)


def _delimiter(header_line: str, text: str) -> str:
    """The delimiter among `,;<tab>|`: the one that splits the header into the most known
    column names; when no header cell is known, csv.Sniffer's guess (default a comma)."""
    scores = {delimiter: _header_matches(header_line, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: scores[delimiter])  # ties: first listed
    if scores[best] > 0:
        return best
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _found(header: list[str], names: int = 8, width: int = 40) -> str:
    """The header cells for an error message, shortened."""
    if not header:
        return "no header"
    shown = [repr(name if len(name) <= width else name[:width] + "...") for name in header]
    more = f", ... ({len(header)} columns)" if len(header) > names else ""
    return ", ".join(shown[:names]) + more


def _planned_bytes(path: Path) -> bytes:
    """The bytes of the planned file; PresendInputError when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise PresendInputError(f"{path}: cannot be read ({error.strerror or error})") from None


def parse_planned(name: str, data: bytes) -> list[dict]:
    """The rows of a planned file's bytes (`name` names it in messages): UTF-8 (BOM or
    not), UTF-16 with BOM or Windows-1252, delimited by comma, semicolon, tab or pipe (an
    Excel `sep=;` first line is honoured); blank lines are skipped. PresendInputError when
    the file cannot be used."""
    text = _decode(name, data)
    if not text.strip():
        raise PresendInputError(
            f"{name}: the file is empty (expected a header row: {', '.join(INPUT_COLUMNS)})"
        )
    hint = _SEP_HINT.match(text)
    if hint:
        delimiter, text = hint.group(1), text[hint.end():]
    else:
        header_line = next(line for line in text.splitlines() if line.strip())
        delimiter = _delimiter(header_line, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = (cells for cells in reader if cells)  # blank lines are no rows
    try:
        header = next((cells for cells in records if any(cell.strip() for cell in cells)), [])
        header = [name.strip().lower() for name in header]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if not {"email", "contact_id"} & set(header):
            missing.insert(0, "email (or contact_id)")
        if missing:
            raise PresendInputError(
                f"{name}: missing column(s) {', '.join(missing)} (needs email and/or "
                f"contact_id, planned_at, team, category, channel[, campaign]; found "
                f"{_found(header)})"
            )
        position = {name: index for index, name in enumerate(header)}  # repeated: last
        rows = []
        for row_id, cells in enumerate(records, start=1):
            row = {"row_id": row_id, "planned_message_id": planned_id(row_id)}
            for column in INPUT_COLUMNS:
                index = position.get(column)
                value = cells[index] if index is not None and index < len(cells) else ""
                row[column] = value.strip()
            rows.append(row)
    except csv.Error as error:
        raise PresendInputError(
            f"{name}: cannot be read as CSV (line {reader.line_num}: {error})"
        ) from None
    return rows


def _resolve(row: dict, reference: Reference) -> tuple[dict | None, list[tuple[str, str]]]:
    """The checked row (contact, account, parsed time, lower-cased dimensions) or errors."""
    problems: list[tuple[str, str]] = []
    contact_id = row["contact_id"] or None
    email = normalise_email(row["email"])
    if row["email"] and email is None:
        problems.append(("invalid_email", f"email {row['email']!r} is not an address"))
    elif email is not None:
        match = reference.emails.get(email)
        if match is None:
            problems.append(("unknown_recipient", f"email {email} matches no contact"))
        elif match[1] > 1:
            problems.append((
                "ambiguous_recipient_email",
                f"email {email} belongs to {match[1]} contacts (a shared address)",
            ))
        elif contact_id and contact_id != match[0]:
            problems.append((
                "recipient_mismatch",
                f"email {email} is contact {match[0]}, not contact_id {contact_id}",
            ))
        else:
            contact_id = match[0]
    if contact_id and contact_id not in reference.contacts:
        problems.append(("unknown_recipient", f"contact_id {contact_id} is no contact"))
    if not row["email"] and not row["contact_id"]:
        problems.append(("missing_recipient", "neither email nor contact_id is given"))
    planned_at = parse_timestamp(row["planned_at"])
    if planned_at is None:
        problems.append((
            "missing_or_unparseable_timestamp",
            f"planned_at {row['planned_at']!r} is not a timestamp",
        ))
    checked = {column: row[column].lower() for column in ("team", "category", "channel")}
    known = {"team": reference.teams, "category": reference.categories,
             "channel": reference.channels}
    for column, value in checked.items():
        if value not in known[column]:
            problems.append((
                f"unknown_{column}",
                f"{column} {row[column]!r} is not one of {', '.join(sorted(known[column]))}",
            ))
    if problems:
        return None, problems
    resolved = {
        "row_id": row["row_id"],
        "planned_message_id": row["planned_message_id"],
        "email": email or "",
        "contact_id": contact_id,
        "account_id": reference.contacts.get(contact_id),
        "planned_at": planned_at,
        **checked,
        "campaign": row["campaign"],
    }
    return resolved, []


def owners_to_notify(allowed: list[dict], suppressed: list[dict],
                     reference: Reference, rules: list[Rule]) -> list[dict]:
    """Account owners to tell before sending: an allowed message to their account from
    another team, or a message suppressed by an owner_not_looped rule. One dict per owner."""
    owner_rule_ids = {rule.rule_id for rule in rules if rule.rule_type == "owner_not_looped"}
    by_account: dict[str, list[dict]] = defaultdict(list)
    for row in allowed:
        if row["account_id"]:
            by_account[row["account_id"]].append(row)
    not_looped: Counter = Counter(
        row["account_id"] for row in suppressed
        if row["account_id"] and set(row["rule_ids"].split(",")) & owner_rule_ids
    )
    owners = []
    for account_id in sorted(set(by_account) | set(not_looped)):
        name, owner_user_id, owner_name, owner_team = reference.accounts.get(
            account_id, (None,) * 4
        )
        if not owner_user_id:
            continue
        rows = by_account.get(account_id, [])
        other = [row for row in rows if row["team"] != owner_team]
        if not other and not not_looped[account_id]:
            continue
        reasons = []
        if other:
            reasons.append(f"{len(other)} allowed message(s) from other teams than {owner_team}")
        if not_looped[account_id]:
            reasons.append(
                f"{not_looped[account_id]} message(s) suppressed until the owner is looped in"
            )
        times = [row["planned_at"] for row in rows]
        owners.append({
            "account_id": account_id,
            "account_name": name,
            "owner_user_id": owner_user_id,
            "owner_name": owner_name,
            "owner_team": owner_team,
            "allowed_message_count": len(rows),
            "other_team_message_count": len(other),
            "contact_count": len({row["contact_id"] for row in rows}),
            "teams": ",".join(sorted({row["team"] for row in rows})),
            "categories": ",".join(sorted({row["category"] for row in rows})),
            "first_planned_at": min(times) if times else None,
            "last_planned_at": max(times) if times else None,
            "suppressed_owner_not_looped_count": not_looped[account_id],
            "notify_reason": "; ".join(reasons),
        })
    return owners


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([{column: row.get(column) for column in columns} for row in rows],
                        columns=list(columns))


def planned_message(row: dict) -> Message:
    """A planned row (planned_message_id, contact_id, account_id, team, category, channel,
    planned_at) as the evaluator's Message."""
    return Message(
        message_id=row["planned_message_id"],
        contact_id=row["contact_id"],
        account_id=row["account_id"],
        team=row["team"],
        category=row["category"],
        channel=row["channel"],
        sent_at=row["planned_at"],
    )


def decide(candidates: list[dict], rules: list[Rule], ledger: Ledger
           ) -> tuple[list[dict], list[dict]]:
    """Allowed and suppressed rows, in priority order; allowed messages join the ledger."""
    priority = {category: index for index, category in enumerate(category_priority(rules))}
    ordered = sorted(candidates, key=lambda row: (
        priority.get(row["category"], len(priority)), row["planned_at"], row["row_id"]
    ))
    allowed, suppressed = [], []
    for row in ordered:
        message = planned_message(row)
        violations = ledger.check(message)
        if not violations:
            ledger.add(message)
            allowed.append(row)
            continue
        worst = violations[0]
        suppressed.append({
            **row,
            "rule_id": worst.rule_id,
            "rule_ids": ",".join(violation.rule_id for violation in violations),
            "severity": worst.severity,
            "reason": f"{worst.rule_id}: {worst.reason}" + "".join(
                f"; also {violation.rule_id}: {violation.reason}" for violation in violations[1:]
            ),
            "caused_by_message_ids": ",".join(worst.caused_by),
            "evidence": evidence(violations),
            "violations": violations,
        })
    return allowed, suppressed


def evidence(violations) -> str:
    """Every rule a message breaks with the messages that cause it:
    `rule_id=id1,id2 | rule_id=...` (in severity order)."""
    return " | ".join(f"{violation.rule_id}={','.join(violation.caused_by)}"
                      for violation in violations)


def add_earliest_allowed(suppressed: list[dict], ledger: Ledger) -> None:
    """Set earliest_allowed_at / earliest_allowed_reason on each suppressed row: the first
    time the message would be allowed given the ledger (history + every allowed message),
    each suppressed message considered on its own (clearinghouse.policy.earliest_allowed_at)."""
    for row in suppressed:
        when, why = earliest_allowed_at(ledger, planned_message(row))
        row["earliest_allowed_at"] = when
        row["earliest_allowed_reason"] = why


def check_plan(name: str, data: bytes, db_path: Path | None = None) -> PresendResult:
    """The pre-send check of a planned file's bytes (`name`: the file's name, in messages and
    the brief) against the built warehouse, in memory: the result's `files` maps each output
    file to the exact bytes `presend` writes (the CLI and the dashboard share this code)."""
    db_path = Path(db_path) if db_path else warehouse_path()
    rows = parse_planned(name, data)
    with duckdb.connect(str(db_path), read_only=True) as connection:
        rules = load_rules(connection)
        reference = load_reference(connection, rules)
        context: Context = load_context(connection)
        history = load_history(connection)
    # a flag-only opt-out (no time) is current: it applies to every planned message
    context.flag_opt_out_at = datetime.min
    ledger = Ledger(rules, context)
    for message in history:
        ledger.add(message)

    candidates, errors = [], []
    for row in rows:
        resolved, problems = _resolve(row, reference)
        if problems:
            errors.append({**row, "error": problems[0][0],
                           "reason": "; ".join(reason for _, reason in problems)})
        else:
            candidates.append(resolved)
    allowed, suppressed = decide(candidates, rules, ledger)
    add_earliest_allowed(suppressed, ledger)
    owners = owners_to_notify(allowed, suppressed, reference, rules)

    by_row = lambda table: sorted(table, key=lambda row: row["row_id"])  # noqa: E731
    result = PresendResult(
        allowed=_frame(by_row(allowed), ALLOWED_COLUMNS),
        suppressed=_frame(by_row(suppressed), SUPPRESSED_COLUMNS),
        errors=_frame(by_row(errors), ERROR_COLUMNS),
        owners_to_notify=_frame(owners, OWNER_COLUMNS),
        input_rows=len(rows),
        suppressed_by_rule=dict(Counter(row["rule_id"] for row in suppressed)),
    )
    # text from the plan and the CRM (campaign, account and owner names) is neutralised
    # against formula injection; numbers and timestamps are written as they are
    result.files = {
        "allowed.csv": csv_bytes(result.allowed),
        "suppressed.csv": csv_bytes(result.suppressed),
        "owners_to_notify.csv": csv_bytes(result.owners_to_notify),
        "errors.csv": csv_bytes(result.errors),
    }
    with duckdb.connect(str(db_path), read_only=True) as connection:
        result.files |= brief_files(
            connection, f"pre-send check of {Path(name).name}", allowed, suppressed,
            result.owners_to_notify, rules,
            intro=[f"Warehouse: {db_path}.", f"{len(errors)} planned row(s) could not be "
                   "checked (errors.csv)."])
    return result


def presend(planned_csv: Path, out_dir: Path, db_path: Path | None = None,
            verbose: bool = False) -> PresendResult:
    """Check a planned campaign file against the built warehouse (check_plan); write its
    files into out_dir."""
    planned_csv = Path(planned_csv)
    result = check_plan(str(planned_csv), _planned_bytes(planned_csv), db_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in result.files.items():
        (out_dir / name).write_bytes(data)
    result.out_dir = out_dir
    if verbose:
        print(result.summary())
    return result


def main(argv: list[str] | None = None) -> int:
    """`clearinghouse presend PLANNED.csv --out DIR [--db FILE]` (also: python -m ...)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="clearinghouse presend", description=__doc__)
    parser.add_argument("planned", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    try:
        presend(args.planned, args.out, args.db, verbose=True)
    except PresendInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
