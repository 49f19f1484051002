{#-
  One row per stage spell: a maximal run of consecutive days an account spent in one
  journey stage, from int_accounts__daily_stage (dense: one row per account and day). One
  window pass per account (ordered by day) marks the days whose stage differs from the day
  before (a spell's first day, carrying its entry rule) or after (its last day); only those
  bounds are kept and paired, rather than grouping every day into islands (issue 12).
  Spells of an account tile its history from its first activity to the data's end without
  gap or overlap.
  The one definition of a stage spell: int_accounts__current_stage reads it and the mart
  fct_account_stage_history publishes it.
-#}
with

daily_stage as (
    select * from {{ ref('int_accounts__daily_stage') }}
),

stage_days as (
    select
        account_id,
        state_date,
        journey_stage,
        stage_rule,
        data_end_date,
        coalesce(lag(journey_stage) over account_days <> journey_stage, true) as is_first_day,
        coalesce(lead(journey_stage) over account_days <> journey_stage, true) as is_last_day
    from daily_stage
    window account_days as (partition by account_id order by state_date)
),

-- a spell's first and last day (one row when it lasts a day): each first day's last day is
-- its own or the next bound's
bounds as (
    select
        account_id,
        journey_stage,
        stage_rule,
        data_end_date,
        is_first_day,
        state_date as first_date,
        case
            when is_last_day then state_date
            else lead(state_date) over account_bounds
        end as last_date
    from stage_days
    where is_first_day or is_last_day
    window account_bounds as (partition by account_id order by state_date)
),

numbered as (
    select
        account_id,
        journey_stage,
        stage_rule as entry_rule,
        first_date,
        last_date,
        data_end_date,
        1 + {{ dbt.datediff('first_date', 'last_date', 'day') }}
            as days_in_stage,
        row_number() over (partition by account_id order by first_date) as spell_number
    from bounds
    where is_first_day
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
