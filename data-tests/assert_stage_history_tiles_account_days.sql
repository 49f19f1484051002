-- Every account's stage spells tile its days from first activity to the data's end:
-- as many days as the spine, one current spell, each spell starting the day after the
-- previous one ended. Returns the offending accounts.
with

spine as (
    select
        account_id,
        count(*) as day_count
    from {{ ref('int_accounts__daily_spine') }}
    group by account_id
),

spells as (
    select
        account_id,
        first_day,
        days_in_stage,
        is_current,
        lag(last_day) over (partition by account_id order by spell_number) as previous_last_day
    from {{ ref('fct_account_stage_history') }}
),

per_account as (
    select
        account_id,
        sum(days_in_stage) as days,
        sum(case when is_current then 1 else 0 end) as current_spells,
        sum(
            case
                when
                    previous_last_day is not null
                    and first_day <> cast({{ dbt.dateadd('day', 1, 'previous_last_day') }} as date)
                    then 1
                else 0
            end
        ) as broken_links
    from spells
    group by account_id
),

final as (
    select
        spine.account_id,
        spine.day_count,
        per_account.days,
        per_account.current_spells,
        per_account.broken_links
    from spine
    left join per_account
        on spine.account_id = per_account.account_id
    where
        per_account.account_id is null
        or per_account.days <> spine.day_count
        or per_account.current_spells <> 1
        or per_account.broken_links > 0
)

select * from final
