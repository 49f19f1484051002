{#- base_stripe__price: every row of the raw stripe.price file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('stripe', 'price') }}
