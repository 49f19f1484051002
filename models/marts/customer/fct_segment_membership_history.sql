{#-
  Segment membership spells: one row per continuous run of days on which an account met a
  segment's predicate (int_segments__membership_spells), from the daily state over the full
  history, so the history is reproducible from the raw exports (not from snapshots).
  entered_date is the first day of the spell, exited_date the first day the account no
  longer met it (null while it still does).
-#}
with

spells as (
    select * from {{ ref('int_segments__membership_spells') }}
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
