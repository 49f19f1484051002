"""Per-system writers: turn a simulated chunk into the raw export tables of one system (with
that system's formats and mess) and record the truth of every record they write."""
