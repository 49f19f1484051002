{#- base_stripe__charge: every row of the raw stripe.charge file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('stripe', 'charge') }}
