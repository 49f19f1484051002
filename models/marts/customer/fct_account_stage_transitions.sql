{#- One row per change of journey stage: consecutive spells of fct_account_stage_history. -#}
with

history as (
    select * from {{ ref('fct_account_stage_history') }}
),

paired as (
    select
        account_id,
        spell_number,
        journey_stage as to_stage,
        entry_rule as to_rule,
        entered_at as transitioned_at,
        lag(journey_stage) over (partition by account_id order by spell_number) as from_stage,
        lag(days_in_stage) over (partition by account_id order by spell_number) as days_in_from_stage
    from history
),

final as (
    select
        {{ dbt.hash("account_id || ':' || cast(spell_number as " ~ dbt.type_string() ~ ")") }}
            as transition_id,
        account_id,
        cast(spell_number as integer) as to_spell_number,
        from_stage,
        to_stage,
        to_rule,
        transitioned_at,
        cast(days_in_from_stage as integer) as days_in_from_stage
    from paired
    where from_stage is not null
)

select * from final
