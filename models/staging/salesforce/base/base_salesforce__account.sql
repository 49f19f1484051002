{#- base_salesforce__account: every row of the raw salesforce.account file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('salesforce', 'account') }}
