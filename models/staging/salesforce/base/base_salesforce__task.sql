{#- base_salesforce__task: every row of the raw salesforce.task file with its load
    outcome (classified_raw in macros/raw.sql).
    Written from the raw contract by `python -m clearinghouse.base_models`: do not edit. -#}
{{ classified_raw('salesforce', 'task') }}
