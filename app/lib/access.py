"""Who may open the dashboard.

- Nothing configured: open. `clearinghouse serve` listens on 127.0.0.1 only, so only this
  machine reaches it.
- A password (Streamlit secrets `[access] password = "..."`, or the environment variable
  CLEARINGHOUSE_DASHBOARD_PASSWORD): a sign-in form before any page; the password is
  compared in constant time and kept only in the session's flag, never shown or logged.
- OpenID Connect (Streamlit's `[auth]` secrets section, used by `st.login`): sign in with
  the configured provider before any page.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

PASSWORD_ENV = "CLEARINGHOUSE_DASHBOARD_PASSWORD"
GRANTED = "clearinghouse_access_granted"


def _secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets file at all: nothing configured
        return {}
    return dict(section) if section else {}


def configured_password() -> str | None:
    password = _secrets_section("access").get("password") or os.environ.get(PASSWORD_ENV)
    return str(password) if password else None


def oidc_configured() -> bool:
    return bool(_secrets_section("auth"))


def require_access() -> None:
    """Stop the run (nothing of the pages rendered) until the visitor is signed in, when
    a password or an OIDC provider is configured."""
    if oidc_configured():
        if not getattr(st.user, "is_logged_in", False):
            st.title("Clearinghouse")
            st.caption("Sign in to see the dashboard.")
            st.button("Sign in", on_click=st.login, key="sign_in")
            st.stop()
        return
    password = configured_password()
    if password is None or st.session_state.get(GRANTED):
        return
    st.title("Clearinghouse")
    with st.form("sign_in_form"):
        entered = st.text_input("Password", type="password", key="password")
        submitted = st.form_submit_button("Sign in")
    if submitted and hmac.compare_digest(entered.encode(), password.encode()):
        st.session_state[GRANTED] = True
        st.rerun()
    if submitted:
        st.error("Wrong password.")
    st.stop()
