{#- Each account's journey stage on the data's last day, since when, and the rule that put it
    there. For dim_accounts. -#}
with

history as (
    select * from {{ ref('int_journey__stage_spells') }}
),

final as (
    select
        account_id,
        journey_stage,
        entered_at as stage_entered_at,
        entry_rule as stage_rule,
        days_in_stage as days_in_current_stage
    from history
    where is_current
)

select * from final
