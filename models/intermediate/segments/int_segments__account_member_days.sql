{#- One row per (segment, account, day) on which the account meets the segment's predicate
    (seed segment_definitions, compiled by macro segment_member_days). -#}
-- depends_on: {{ ref('segment_definitions') }}

with

daily_attributes as (
    select * from {{ ref('int_segments__account_daily_attributes') }}
),

member_days as (
    {{ segment_member_days('daily_attributes') }}
)

select * from member_days
