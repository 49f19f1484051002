{#-
  Every breach of the communication policy (seed communication_policies), one row per
  (message, rule), from every rule type; each rule type is its own intermediate model with
  the same columns, documented with its semantics and complexity. A row explains itself:
  the window, the messages and teams in it, and a reason in words.
-#}
with

rolling_caps as (
    select * from {{ ref('int_policy__rolling_caps') }}
),

unioned as (
    select * from rolling_caps
),

final as (
    select
        {{ dbt.hash("message_id || '|' || rule_id") }} as violation_id,
        *
    from unioned
)

select * from final
