"""Dashboard access: open when nothing is configured; a password or an OIDC provider, when
configured, stands before every page (nothing of a page is rendered until signed in)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from conftest_app_fixture import build_warehouse
from streamlit.testing.v1 import AppTest

ENTRY = Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py"
OVERVIEW_TITLE = "Clearinghouse: customer communications"


@pytest.fixture(autouse=True)
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    st.cache_data.clear()
    path = tmp_path / "clearinghouse.duckdb"
    build_warehouse(path)
    monkeypatch.setenv("CLEARINGHOUSE_DB", str(path))
    monkeypatch.delenv("CLEARINGHOUSE_DASHBOARD_PASSWORD", raising=False)
    return path


def _titles(at: AppTest) -> list[str]:
    return [title.value for title in at.title]


def _app() -> AppTest:
    return AppTest.from_file(str(ENTRY), default_timeout=30)


def test_open_without_configuration():
    at = _app().run()
    assert not at.exception
    assert OVERVIEW_TITLE in _titles(at)
    assert len(at.metric) > 0


@pytest.mark.parametrize("where", ["env", "secrets"])
def test_password_stands_before_every_page(where, monkeypatch):
    at = _app()
    if where == "env":
        monkeypatch.setenv("CLEARINGHOUSE_DASHBOARD_PASSWORD", "s3cret")
    else:
        at.secrets["access"] = {"password": "s3cret"}
    at.run()
    assert not at.exception
    assert OVERVIEW_TITLE not in _titles(at) and len(at.metric) == 0  # nothing of the page
    at.text_input(key="password").input("wrong")
    at.button[0].click().run()
    assert [error.value for error in at.error] == ["Wrong password."]
    assert OVERVIEW_TITLE not in _titles(at) and len(at.metric) == 0
    at.text_input(key="password").input("s3cret")
    at.button[0].click().run()
    assert not at.exception
    assert OVERVIEW_TITLE in _titles(at) and len(at.metric) > 0
    assert "s3cret" not in str(at.main)  # the password is never echoed


def test_oidc_configured_asks_to_sign_in():
    at = _app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x", "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "https://example.invalid/.well-known"}
    at.run()
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    assert OVERVIEW_TITLE not in _titles(at) and len(at.metric) == 0
