"""CSV output that a spreadsheet will not execute (CSV / formula injection).

A spreadsheet opening a CSV evaluates a cell that starts with `=`, `+`, `-` or `@` as a
formula (and a leading tab or carriage return can hide one), so text that came from a
campaign name, a CRM account name or any other input could run `=HYPERLINK(...)` or a DDE
command on the machine of whoever opens the file. Following the OWASP CSV injection
guidance, every *text* cell starting with one of those characters gets a leading `'`, which
makes the spreadsheet read it as text. Numbers (including negative ones), booleans,
timestamps and missing values are written unchanged; only strings are prefixed, so
`-5` the number stays `-5` while the text `"-5 days"` becomes `'-5 days`.

    write_csv(frame, path)                       # a pandas DataFrame (index left out)
    csv_bytes(frame)                             # the same bytes, in memory
    write_csv(rows, path, columns=[...])         # dicts (columns = field order) or sequences
    neutralise(value)                            # one value
    neutralise_frame(frame)                      # a copy of a DataFrame, text neutralised

Every CSV the project writes for people to open should go through `write_csv`.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

#: a text cell starting with one of these is prefixed with `'` (OWASP)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
#: RFC 4180 line ends. Python's csv writer quotes a field only when it holds a character of
#: the line terminator: with "\n" alone a bare CR inside a cell would be written unquoted,
#: and a reader would start a new row (and a new, unescaped first cell) after it.
LINE_TERMINATOR = "\r\n"
_FIXED = ("lineterminator", "quoting")


def is_dangerous(value: Any) -> bool:
    """True when `value` is text a spreadsheet could execute (starts with = + - @ tab CR)."""
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def neutralise(value: Any) -> Any:
    """`value` with a leading `'` when it is dangerous text; anything else unchanged."""
    return ESCAPE + value if is_dangerous(value) else value


def _is_text_dtype(dtype) -> bool:
    """Whether a column of this dtype can hold text (object, string or categorical)."""
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                or pd.api.types.is_datetime64_any_dtype(dtype)
                or pd.api.types.is_timedelta64_dtype(dtype)
                or isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)))


def _neutralise_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        safe = index.map(lambda labels: tuple(neutralise(label) for label in labels))
    else:
        safe = index.map(neutralise) if _is_text_dtype(index.dtype) else index.copy()
    return safe.set_names([neutralise(name) for name in index.names])


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and text column names / index labels) are
    neutralised. Numeric, boolean and datetime columns are left as they are."""
    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if _is_text_dtype(column.dtype):
            # object / string / categorical: only the str cells change
            safe.isetitem(position, column.astype(object).map(neutralise))
    safe.columns = _neutralise_index(safe.columns)
    safe.index = _neutralise_index(safe.index)
    return safe


def csv_bytes(
    data: pd.DataFrame | Iterable[Mapping[str, Any]] | Iterable[Sequence[Any]],
    columns: Sequence[str] | None = None,
    *,
    index: bool = False,
    encoding: str = "utf-8",
    **to_csv: Any,
) -> bytes:
    """The CSV of `data`, every dangerous text cell neutralised, as bytes (what `write_csv`
    writes to a file).

    `data`: a DataFrame (written with `DataFrame.to_csv`; `index` and other keyword
    arguments are passed on, `columns` selects/orders columns), or rows: mappings (`columns`
    = the header and field order, default the keys of the first row; missing keys are
    empty) or sequences (`columns`, when given, is written as the header).
    Lines end in CRLF (RFC 4180), so every cell holding a CR or LF is quoted.
    """
    if set(_FIXED) & set(to_csv):
        raise TypeError(f"write_csv fixes {' and '.join(_FIXED)} (cells must stay quoted)")
    if isinstance(data, pd.DataFrame):
        frame = data if columns is None else data.loc[:, list(columns)]
        text = neutralise_frame(frame).to_csv(index=index, lineterminator=LINE_TERMINATOR,
                                              **to_csv)
        return text.encode(encoding)
    if to_csv:
        raise TypeError(f"unexpected keyword arguments for rows: {sorted(to_csv)}")
    rows = iter(data)
    first = next(rows, None)
    handle = io.StringIO(newline="")
    writer = csv.writer(handle, lineterminator=LINE_TERMINATOR)
    if isinstance(first, Mapping):
        header = list(columns) if columns is not None else list(first)
        writer.writerow([neutralise(name) for name in header])
        for row in itertools.chain([first], rows):
            writer.writerow([neutralise(row.get(name)) for name in header])
    else:
        if columns is not None:
            writer.writerow([neutralise(name) for name in columns])
        if first is not None:
            for row in itertools.chain([first], rows):
                writer.writerow([neutralise(value) for value in row])
    return handle.getvalue().encode(encoding)


def write_csv(
    data: pd.DataFrame | Iterable[Mapping[str, Any]] | Iterable[Sequence[Any]],
    path: Path | str,
    columns: Sequence[str] | None = None,
    *,
    index: bool = False,
    encoding: str = "utf-8",
    **to_csv: Any,
) -> Path:
    """Write `data` to `path` as CSV with every dangerous text cell neutralised (the bytes
    of `csv_bytes`, which says what `data`, `columns` and the options may be). Returns
    `path`."""
    path = Path(path)
    path.write_bytes(csv_bytes(data, columns, index=index, encoding=encoding, **to_csv))
    return path
