{#-
  One row per stage spell: a maximal run of consecutive days an account spent in one
  journey stage (gaps and islands over int_accounts__daily_stage). Spells of an account
  tile its history from its first activity to the data's end without gap or overlap.
  The one definition of a stage spell: int_accounts__current_stage reads it and the mart
  fct_account_stage_history publishes it.
-#}
with

daily_stage as (
    select * from {{ ref('int_accounts__daily_stage') }}
),

islands as (
    select
        account_id,
        state_date,
        journey_stage,
        stage_rule,
        data_end_date,
        row_number() over (partition by account_id order by state_date)
        - row_number() over (partition by account_id, journey_stage order by state_date) as island
    from daily_stage
),

spells as (
    select
        account_id,
        journey_stage,
        island,
        min(state_date) as first_date,
        max(state_date) as last_date,
        max(data_end_date) as data_end_date,
        count(*) as days_in_stage
    from islands
    group by account_id, journey_stage, island
),

entry_rules as (
    select
        islands.account_id,
        islands.island,
        islands.journey_stage,
        islands.stage_rule
    from islands
    inner join spells
        on
            islands.account_id = spells.account_id
            and islands.journey_stage = spells.journey_stage
            and islands.island = spells.island
            and islands.state_date = spells.first_date
),

numbered as (
    select
        spells.*,
        entry_rules.stage_rule as entry_rule,
        row_number() over (partition by spells.account_id order by spells.first_date) as spell_number
    from spells
    inner join entry_rules
        on
            spells.account_id = entry_rules.account_id
            and spells.journey_stage = entry_rules.journey_stage
            and spells.island = entry_rules.island
),

final as (
    select
        {{ dbt.hash("numbered.account_id || ':' || cast(numbered.spell_number as " ~ dbt.type_string() ~ ")") }}
            as stage_spell_id,
        numbered.account_id,
        cast(spell_number as integer) as spell_number,
        numbered.journey_stage,
        numbered.entry_rule,
        cast(numbered.first_date as timestamp) as entered_at,
        case
            when numbered.last_date < numbered.data_end_date
                then cast({{ add_interval('day', 1, 'last_date') }} as timestamp)
        end as exited_at,
        numbered.first_date as first_day,
        numbered.last_date as last_day,
        cast(days_in_stage as integer) as days_in_stage,
        numbered.last_date = numbered.data_end_date as is_current
    from numbered
)

select * from final
