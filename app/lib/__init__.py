"""Shared code for the Clearinghouse dashboard (read-only access to the marts, UI helpers)."""
