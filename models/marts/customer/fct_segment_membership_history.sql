{#-
  Segment membership spells: one row per continuous run of days on which an account met a
  segment's predicate (gaps and islands over int_segments__account_member_days), from the
  daily state over the full history, so the history is reproducible from the raw exports
  (not from snapshots). entered_at is the first day of the spell, exited_at the first day
  the account no longer met it (null while it still does).
-#}
with

member_days as (
    select * from {{ ref('int_segments__account_member_days') }}
),

islands as (
    select
        *,
        day_number - row_number() over (
            partition by segment_id, account_id order by day_number
        ) as island
    from member_days
),

spells as (
    select
        segment_id,
        account_id,
        min(state_date) as entered_date,
        max(state_date) as last_member_date,
        max(data_end_date) as data_end_date,
        count(*) as days_in_segment
    from islands
    group by segment_id, account_id, island
),

final as (
    select
        {{ dbt.hash("segment_id || '|' || account_id || '|' || cast(entered_date as " ~ dbt.type_string() ~ ")") }}
            as membership_id,
        segment_id,
        account_id,
        entered_date,
        case
            when last_member_date < data_end_date
                then cast({{ add_interval('day', 1, 'last_member_date') }} as date)
        end as exited_date,
        cast(days_in_segment as integer) as days_in_segment,
        last_member_date = data_end_date as is_current
    from spells
)

select * from final
