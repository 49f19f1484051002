{#- base_hubspot__email_event_deferred: every row of the raw hubspot.email_event_deferred file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('hubspot', 'email_event_deferred') }}
