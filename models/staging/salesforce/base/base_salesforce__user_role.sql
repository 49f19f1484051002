{#- base_salesforce__user_role: every row of the raw salesforce.user_role file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('salesforce', 'user_role') }}
