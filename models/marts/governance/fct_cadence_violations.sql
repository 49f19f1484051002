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

calendar_week_caps as (
    select * from {{ ref('int_policy__calendar_week_caps') }}
),

collisions as (
    select * from {{ ref('int_policy__collisions') }}
),

opted_out_sends as (
    select * from {{ ref('int_policy__opted_out_sends') }}
),

quiet_hours as (
    select * from {{ ref('int_policy__quiet_hours') }}
),

support_aware as (
    select * from {{ ref('int_policy__support_aware') }}
),

owner_not_looped as (
    select * from {{ ref('int_policy__owner_not_looped') }}
),

unioned as (
    select * from rolling_caps
    union all
    select * from calendar_week_caps
    union all
    select * from collisions
    union all
    select * from opted_out_sends
    union all
    select * from quiet_hours
    union all
    select * from support_aware
    union all
    select * from owner_not_looped
),

final as (
    select
        {{ dbt.hash("message_id || '|' || rule_id") }} as violation_id,
        *
    from unioned
)

select * from final
