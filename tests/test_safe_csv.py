"""CSV formula-injection guard (clearinghouse.safe_csv)."""

from __future__ import annotations

import csv
import math
from datetime import datetime

import pandas as pd
import pytest

from clearinghouse.safe_csv import (
    DANGEROUS_PREFIXES,
    is_dangerous,
    neutralise,
    neutralise_frame,
    write_csv,
)

PAYLOADS = [
    '=HYPERLINK("http://x")',
    "@SUM(1)",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-5 days",
    "=",
]
HARMLESS = ["Spring promo", "", "a=b", "x@y.io", "1+1", " =not at start", "'=already quoted",
            "5", "é=résumé"]


def _cells(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell


def _assert_no_dangerous_cell(path) -> None:
    """No cell starts with = + - @ tab CR, except a number written as a number (-3)."""
    for line, row in enumerate(_cells(path), start=1):
        for cell in row:
            assert not cell.startswith(DANGEROUS_PREFIXES) or _is_number(cell), (path, line, cell)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_each_dangerous_prefix_is_quoted(prefix):
    value = f"{prefix}1+1"
    assert is_dangerous(value)
    assert neutralise(value) == f"'{prefix}1+1"
    assert not is_dangerous(neutralise(value))


@pytest.mark.parametrize("value", PAYLOADS)
def test_payloads_are_quoted(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_harmless_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-5, -5.25, 0, 3, -0.0, float("-inf"), True, None,
                                   datetime(2026, 1, 2, 3, 4), pd.Timestamp("2026-01-02"),
                                   pd.NA])
def test_non_text_values_are_unchanged(value):
    assert neutralise(value) is value


def test_frame_numbers_stay_numbers_text_is_quoted(tmp_path):
    frame = pd.DataFrame({
        "row_id": [1, 2, 3, 4],
        "delta": [-5, -1, 0, 7],
        "ratio": [-0.5, float("nan"), 1.25, -3.0],
        "flag": [True, False, True, False],
        "at": pd.to_datetime(["2026-01-01 10:00", None, "2026-01-03 00:00", "2026-01-04 09:30"]),
        "campaign": ['=HYPERLINK("http://x")', "@SUM(1)", "+cmd|' /C calc'!A0", "plain"],
        "note": ["-5 days", None, "ok, with comma", 'quote " inside'],
        "mixed": [-5, "-5", "=1", 2.5],  # object column: numbers kept, text quoted
    })
    path = write_csv(frame, tmp_path / "frame.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == list(frame.columns)
    assert back["row_id"].tolist() == [1, 2, 3, 4]
    assert back["delta"].tolist() == [-5, -1, 0, 7]
    assert back["ratio"].tolist()[0] == -0.5 and math.isnan(back["ratio"][1])
    assert back["flag"].tolist() == [True, False, True, False]
    assert pd.Timestamp(back["at"][0]) == pd.Timestamp("2026-01-01 10:00")
    assert back["campaign"].tolist() == ['\'=HYPERLINK("http://x")', "'@SUM(1)",
                                         "'+cmd|' /C calc'!A0", "plain"]
    assert back["note"].tolist()[0] == "'-5 days"
    assert back["note"].tolist()[2:] == ["ok, with comma", 'quote " inside']
    cells = _cells(path)
    assert [row[7] for row in cells[1:]] == ["-5", "'-5", "'=1", "2.5"]
    assert cells[1][1] == "-5" and cells[1][2] == "-0.5"  # negative numbers not prefixed
    # the input frame is not modified
    assert frame.loc[0, "campaign"] == '=HYPERLINK("http://x")'


def test_frame_string_and_categorical_dtypes(tmp_path):
    frame = pd.DataFrame({
        "s": pd.Series(["=a", "b", None], dtype="string"),
        "c": pd.Series(["@x", "y", "@x"], dtype="category"),
    })
    safe = neutralise_frame(frame)
    assert safe["s"].tolist()[:2] == ["'=a", "b"] and pd.isna(safe["s"].tolist()[2])
    assert safe["c"].tolist() == ["'@x", "y", "'@x"]
    write_csv(frame, tmp_path / "typed.csv")
    _assert_no_dangerous_cell(tmp_path / "typed.csv")


def test_frame_header_and_index_text_is_quoted(tmp_path):
    frame = pd.DataFrame({"=evil": ["a"], "ok": [1]}, index=pd.Index(["-x"], name="@idx"))
    write_csv(frame, tmp_path / "index.csv", index=True)
    assert _cells(tmp_path / "index.csv") == [["'@idx", "'=evil", "ok"], ["'-x", "a", "1"]]


def test_frame_columns_select_and_order(tmp_path):
    frame = pd.DataFrame({"a": ["=1"], "b": [2], "c": ["x"]})
    write_csv(frame, tmp_path / "cols.csv", columns=["c", "a"])
    assert _cells(tmp_path / "cols.csv") == [["c", "a"], ["x", "'=1"]]


def test_rows_as_dicts_round_trip(tmp_path):
    rows = [
        {"name": '=HYPERLINK("http://x")', "count": -3, "share": -0.25},
        {"name": "Café, Ltd\nline two", "count": 4},  # missing key -> empty
        {"name": "\r=1", "count": None, "share": 1.5},
    ]
    path = write_csv(rows, tmp_path / "dicts.csv", columns=["name", "count", "share"])
    assert _cells(path) == [
        ["name", "count", "share"],
        ['\'=HYPERLINK("http://x")', "-3", "-0.25"],
        ["Café, Ltd\nline two", "4", ""],
        ["'\r=1", "", "1.5"],
    ]
    back = pd.read_csv(path)
    assert back["count"].tolist()[0] == -3 and back["share"].tolist()[0] == -0.25
    _assert_no_dangerous_cell(path)


def test_rows_as_dicts_default_header_and_sequences(tmp_path):
    write_csv([{"a": "@1", "b": -1}], tmp_path / "d.csv")
    assert _cells(tmp_path / "d.csv") == [["a", "b"], ["'@1", "-1"]]
    write_csv([("+x", -2), ("y", 3)], tmp_path / "s.csv", columns=("t", "n"))
    assert _cells(tmp_path / "s.csv") == [["t", "n"], ["'+x", "-2"], ["y", "3"]]
    write_csv([], tmp_path / "empty.csv", columns=["a", "b"])
    assert _cells(tmp_path / "empty.csv") == [["a", "b"]]


def test_every_payload_in_a_frame_is_neutralised_on_disk(tmp_path):
    frame = pd.DataFrame({"payload": PAYLOADS + HARMLESS, "n": range(len(PAYLOADS + HARMLESS))})
    path = write_csv(frame, tmp_path / "all.csv")
    _assert_no_dangerous_cell(path)
    back = pd.read_csv(path, keep_default_na=False)
    expected = ["'" + value for value in PAYLOADS] + HARMLESS
    assert back["payload"].tolist() == expected


@pytest.mark.parametrize("cell", ["abc\r=1+1", "abc\n=1+1", "abc\r\n@SUM(1)", "x\r-2"])
def test_line_breaks_inside_a_cell_cannot_start_a_new_row(tmp_path, cell):
    """A CR or LF inside a cell is quoted, so no reader sees a new row starting with it."""
    frame = pd.DataFrame({"text": [cell], "n": [1]})
    write_csv(frame, tmp_path / "frame.csv")
    write_csv([{"text": cell, "n": 1}], tmp_path / "rows.csv")
    for name in ("frame.csv", "rows.csv"):
        assert _cells(tmp_path / name) == [["text", "n"], [cell, "1"]]
        assert pd.read_csv(tmp_path / name)["text"].tolist() == [cell]


def test_quoting_cannot_be_switched_off(tmp_path):
    with pytest.raises(TypeError):
        write_csv(pd.DataFrame({"a": ["=1"]}), tmp_path / "x.csv", lineterminator="\n")
    with pytest.raises(TypeError):
        write_csv([{"a": "=1"}], tmp_path / "x.csv", quoting=csv.QUOTE_NONE)
