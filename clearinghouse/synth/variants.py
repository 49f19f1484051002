"""How each system garbles what it stores: email and company-name variants, sync times,
late-arriving row versions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.synth import words
from clearinghouse.synth.common import HOUR, cat, fmt_synced, pick, where
from clearinghouse.synth.parameters import EMAIL_VARIANTS


def email_variant(canonical: pa.Array, rng: np.random.Generator, system: str) -> pa.Array:
    """The canonical email written the way ``system`` has it (case, spaces, +tag, googlemail)."""
    upper, title, space, tag, googlemail = EMAIL_VARIANTS[system]
    n = len(canonical)
    email = canonical
    draw = rng.random(n)
    for i, suffix in enumerate(["+news", "+billing", "+work"]):
        tagged = (draw >= i * tag / 3) & (draw < (i + 1) * tag / 3)
        if tagged.any():
            email = where(tagged, pc.replace_substring(email, "@", suffix + "@",
                                                       max_replacements=1), email)
    is_gmail = pc.ends_with(email, "@gmail.com").to_numpy(zero_copy_only=False)
    to_googlemail = is_gmail & (rng.random(n) < googlemail)
    email = where(to_googlemail, pc.replace_substring(email, "@gmail.com", "@googlemail.com"),
                  email)
    draw = rng.random(n)
    email = where(draw < upper, pc.utf8_upper(email),
                  where(draw < upper + title, pc.utf8_title(email), email))
    draw = rng.random(n)
    third = space / 3
    return where(draw < third, cat(" ", email),
                 where(draw < 2 * third, cat(email, " "),
                       where(draw < space, cat("  ", email, " "), email)))


def company_variant(name: pa.Array, rng: np.random.Generator, style: str) -> pa.Array:
    """Company name as a billing/support system writes it: case, legal suffix, punctuation."""
    n = len(name)
    draw = rng.random(n)
    base = where(draw < 0.15, pc.utf8_upper(name), where(draw < 0.22, pc.utf8_lower(name), name))
    suffix = pick(words.LEGAL_SUFFIX, rng.integers(0, len(words.LEGAL_SUFFIX), n))
    share_without_suffix = 0.25 if style == "stripe" else 0.35
    draw = rng.random(n)
    with_suffix = where(draw < 0.6, cat(base, " ", suffix), cat(base, ", ", suffix))
    return where(rng.random(n) < share_without_suffix, base, with_suffix)


def synced_micros(rng: np.random.Generator, times: np.ndarray, end: int) -> np.ndarray:
    """``_fivetran_synced`` (epoch microseconds): minutes to hours after the change."""
    times = np.asarray(times, dtype=np.int64)
    synced = np.minimum(times + rng.integers(300, 6 * HOUR, len(times)), end - 1)
    return synced * 1_000_000 + rng.integers(0, 1_000_000, len(times))


def later_versions(table: pa.Table, rows: np.ndarray, synced_us: np.ndarray,
                   rng: np.random.Generator, changes: dict[str, pa.Array]
                   ) -> tuple[pa.Table, np.ndarray]:
    """Later versions of ``rows``: same id, changed columns, later ``_fivetran_synced``."""
    late = table.take(pa.array(rows))
    new_sync = synced_us[rows] + rng.integers(HOUR, 48 * HOUR, len(rows)) * 1_000_000
    changes = dict(changes, _fivetran_synced=fmt_synced(new_sync))
    for name, values in changes.items():
        late = late.set_column(late.schema.get_field_index(name), name,
                               values.cast(pa.string()))
    return late, new_sync


def scatter(n: int, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """An n-long string array holding ``values`` at ``rows`` (nulls elsewhere)."""
    position = np.full(n, len(values), dtype=np.int64)
    position[rows] = np.arange(len(rows))
    return pa.concat_arrays([values.cast(pa.string()), pa.nulls(1, pa.string())]).take(
        pa.array(position))
