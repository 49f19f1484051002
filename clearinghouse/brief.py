"""The campaign brief: what a planned send reaches, what is held back and who to tell.

`write_brief(connection, out_dir, title, allowed, suppressed, owners, rules)` writes
`brief.md` and `brief.html` (the same content; every value escaped in the HTML;
`brief_files(...)` returns the same bytes, in memory) for the pre-send check
(clearinghouse.presend) and the segment export (clearinghouse.export):

- audience: contacts and accounts, by segment (fct_segment_membership), journey stage
  (dim_accounts) and persona (dim_contacts), each with allowed / suppressed;
- allowed vs suppressed, by rule: contacts breaking it (a message can break several) and
  contacts for which it is the most severe rule;
- collisions: other teams' planned sends on the calendar (rpt_communications_calendar,
  kind = 'planned', by day) from 2 days before the first to 2 days after the last send;
- owners to notify (the pre-send check's owners_to_notify).

Rows are dicts with at least contact_id, account_id, planned_at, team; suppressed rows
also rule_id and rule_ids (comma-separated).
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pandas as pd

COLLISION_MARGIN_DAYS = 2


def _table(columns: list[str], rows: list[list]) -> tuple:
    return ("table", columns, rows)


def _breakdown(label: str, keys: dict[str, list[str]], allowed_ids: set, suppressed_ids: set
               ) -> tuple:
    """Rows (value, contacts, allowed, suppressed) for contacts grouped by `keys`:
    contact_id -> the values it counts under (a contact can be in several segments)."""
    counts: dict[str, Counter] = {}
    for contact_id, values in keys.items():
        for value in values or ["(none)"]:
            counter = counts.setdefault(value or "(none)", Counter())
            counter["contacts"] += 1
            counter["allowed"] += contact_id in allowed_ids
            counter["suppressed"] += contact_id in suppressed_ids
    rows = [[value, c["contacts"], c["allowed"], c["suppressed"]]
            for value, c in sorted(counts.items(), key=lambda item: (-item[1]["contacts"],
                                                                      item[0]))]
    return _table([label, "contacts", "allowed", "suppressed"], rows)


def _in(connection, sql: str, ids: list[str]) -> list[tuple]:
    if not ids:
        return []
    return connection.execute(sql.replace("{ids}", "(select unnest(?::varchar[]))"),
                              [sorted(set(ids))]).fetchall()


def brief_blocks(connection, title: str, allowed: list[dict], suppressed: list[dict],
                 owners: pd.DataFrame, rules, intro: list[str] | None = None) -> list[tuple]:
    """The brief as blocks: ("h1"|"h2"|"p", text) and ("table", columns, rows)."""
    rows = allowed + suppressed
    allowed_ids = {row["contact_id"] for row in allowed}
    suppressed_ids = {row["contact_id"] for row in suppressed}
    contact_ids = sorted({row["contact_id"] for row in rows})
    account_ids = sorted({row["account_id"] for row in rows if row.get("account_id")})
    times = [row["planned_at"] for row in rows if row.get("planned_at") is not None]
    teams = sorted({row["team"] for row in rows})
    blocks: list[tuple] = [("h1", f"Campaign brief: {title}")]
    for line in intro or []:
        blocks.append(("p", line))
    window = (f"{min(times):%Y-%m-%d %H:%M} to {max(times):%Y-%m-%d %H:%M} UTC" if times
              else "no send times")
    blocks.append(("p", f"{len(rows)} planned messages to {len(contact_ids)} contacts at "
                        f"{len(account_ids)} accounts, sent by {', '.join(teams) or '-'}, "
                        f"{window}."))

    blocks.append(("h2", "Audience"))
    segments: dict[str, list[str]] = {contact_id: [] for contact_id in contact_ids}
    for contact_id, segment_id in _in(
        connection,
        "select c.contact_id, s.segment_id from dim_contacts c join fct_segment_membership s "
        "using (account_id) where c.contact_id in {ids} order by 1, 2", contact_ids,
    ):
        segments[contact_id].append(segment_id)
    stage, persona = {}, {}
    for contact_id, journey_stage, contact_persona in _in(
        connection,
        "select c.contact_id, a.journey_stage, c.persona from dim_contacts c left join "
        "dim_accounts a using (account_id) where c.contact_id in {ids}", contact_ids,
    ):
        stage[contact_id] = [journey_stage]
        persona[contact_id] = [contact_persona]
    blocks.append(("p", "By segment (an account can be in several segments):"))
    blocks.append(_breakdown("segment", segments, allowed_ids, suppressed_ids))
    blocks.append(("p", "By journey stage of the account:"))
    blocks.append(_breakdown("journey stage",
                             {c: stage.get(c, [None]) for c in contact_ids},
                             allowed_ids, suppressed_ids))
    blocks.append(("p", "By persona:"))
    blocks.append(_breakdown("persona", {c: persona.get(c, [None]) for c in contact_ids},
                             allowed_ids, suppressed_ids))

    blocks.append(("h2", "Allowed and suppressed"))
    blocks.append(("p", f"{len(allowed)} allowed, {len(suppressed)} suppressed."))
    any_rule = Counter(rule_id for row in suppressed
                       for rule_id in str(row.get("rule_ids") or "").split(",") if rule_id)
    main_rule = Counter(row["rule_id"] for row in suppressed)
    described = {rule.rule_id: rule.description for rule in rules}
    if suppressed:
        blocks.append(_table(
            ["rule", "messages breaking it", "as most severe rule", "description"],
            [[rule_id, count, main_rule.get(rule_id, 0), described.get(rule_id, "")]
             for rule_id, count in sorted(any_rule.items(), key=lambda i: (-i[1], i[0]))],
        ))
        later = sum(1 for row in suppressed if row.get("earliest_allowed_at") is not None)
        blocks.append(("p", f"{later} of the suppressed messages could go out later (see "
                            "earliest_allowed_at in suppressed.csv); the others cannot within "
                            "the horizon (e.g. opted out)."))

    blocks.append(("h2", "Collisions with other teams' planned sends"))
    if times:
        first = min(times).date() - timedelta(days=COLLISION_MARGIN_DAYS)
        last = max(times).date() + timedelta(days=COLLISION_MARGIN_DAYS)
        planned = connection.execute(
            "select cast(period_start as date), team, category, channel, message_count, "
            "contact_count from rpt_communications_calendar where kind = 'planned' and "
            "period = 'day' and cast(period_start as date) between ? and ? "
            "order by 1, 2, 3, 4", [first, last],
        ).fetchall()
        others = [list(row) for row in planned if row[1] not in teams]
        if others:
            blocks.append(("p", f"Other teams have sends planned between {first} and {last}:"))
            blocks.append(_table(["day", "team", "category", "channel", "messages",
                                  "contacts"], others))
        else:
            blocks.append(("p", f"No other team has sends on the planned calendar between "
                                f"{first} and {last} (rpt_communications_calendar, planned "
                                "rows: the planned-sends file read at build time)."))
        collided = sum("cross_team_collision" in str(row.get("rule_ids") or "")
                       for row in suppressed)
        if collided:
            blocks.append(("p", f"{collided} message(s) suppressed because another team "
                                "messaged the contact within the collision window."))

    blocks.append(("h2", "Owners to notify"))
    if owners is not None and len(owners):
        blocks.append(_table(
            ["owner", "team", "account", "allowed messages", "from other teams", "why"],
            [[row.owner_name, row.owner_team, row.account_name, row.allowed_message_count,
              row.other_team_message_count, row.notify_reason]
             for row in owners.itertuples()],
        ))
    else:
        blocks.append(("p", "No account owner needs to be told."))
    return blocks


def _markdown_cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def to_markdown(blocks: list[tuple]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block[0] == "h1":
            lines += [f"# {block[1]}", ""]
        elif block[0] == "h2":
            lines += [f"## {block[1]}", ""]
        elif block[0] == "p":
            lines += [block[1], ""]
        else:
            _, columns, rows = block
            lines.append("| " + " | ".join(_markdown_cell(c) for c in columns) + " |")
            lines.append("|" + "---|" * len(columns))
            lines += ["| " + " | ".join(_markdown_cell(v) for v in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


def to_html(blocks: list[tuple]) -> str:
    escape = lambda value: html.escape("" if value is None else str(value))  # noqa: E731
    title = next((block[1] for block in blocks if block[0] == "h1"), "Campaign brief")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
             "text-align:left}</style></head><body>"]
    for block in blocks:
        if block[0] in ("h1", "h2", "p"):
            parts.append(f"<{block[0]}>{escape(block[1])}</{block[0]}>")
        else:
            _, columns, rows = block
            parts.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns)
                         + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
                      for row in rows]
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def brief_files(connection, title: str, allowed: list[dict], suppressed: list[dict],
                owners: pd.DataFrame, rules, intro: list[str] | None = None
                ) -> dict[str, bytes]:
    """{"brief.md": ..., "brief.html": ...}: the brief's two files as UTF-8 bytes."""
    blocks = brief_blocks(connection, title, allowed, suppressed, owners, rules, intro)
    return {"brief.md": to_markdown(blocks).encode("utf-8"),
            "brief.html": to_html(blocks).encode("utf-8")}


def write_brief(connection, out_dir: Path, title: str, allowed: list[dict],
                suppressed: list[dict], owners: pd.DataFrame, rules,
                intro: list[str] | None = None) -> tuple[Path, Path]:
    """Write brief.md and brief.html (the bytes of `brief_files`) into out_dir; returns
    their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = brief_files(connection, title, allowed, suppressed, owners, rules, intro)
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
    return out_dir / "brief.md", out_dir / "brief.html"
