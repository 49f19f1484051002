{#-
  Each account's journey stage on each day: the rules of the seed journey_stage_rules,
  compiled at compile time into one case expression over the daily-state columns (macro
  journey_stage_case); the first matching rule by precedence wins, and the day carries
  the rule that matched (stage_rule). No matching rule gives 'unclassified', which the
  accepted_values tests reject.
-#}
-- depends_on: {{ ref('journey_stage_rules') }}

with

daily_state as (
    select * from {{ ref('int_accounts__daily_state') }}
),

final as (
    select
        account_day_key,
        account_id,
        state_date,
        {{ journey_stage_case('stage') }} as journey_stage,
        {{ journey_stage_case('rule') }} as stage_rule,
        day_number,
        data_end_date,
        is_customer,
        mrr
    from daily_state
)

select * from final
