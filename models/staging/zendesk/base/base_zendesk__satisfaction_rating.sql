{#- base_zendesk__satisfaction_rating: every row of the raw zendesk.satisfaction_rating file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('zendesk', 'satisfaction_rating') }}
