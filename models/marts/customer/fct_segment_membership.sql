{#- Current segment members: the open spells of fct_segment_membership_history, with the
    segment's definition, for customer marketing and the dashboard. -#}
with

history as (
    select * from {{ ref('fct_segment_membership_history') }}
),

definitions as (
    select * from {{ ref('segment_definitions') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

final as (
    select
        history.segment_id,
        definitions.name as segment_name,
        definitions.owning_team,
        history.account_id,
        accounts.account_name,
        history.entered_date,
        history.days_in_segment
    from history
    inner join definitions
        on history.segment_id = definitions.segment_id
    inner join accounts
        on history.account_id = accounts.account_id
    where history.is_current
)

select * from final
