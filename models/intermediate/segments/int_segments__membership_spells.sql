{#- One row per (segment, account, continuous run of days on which the account met the
    segment's predicate): the predicates of seed segment_definitions over the daily
    attributes, kept as spells (macros segment_membership_flags, segment_membership_spells).
    last_member_date is the spell's last day; data_end_date tells whether it is current. -#}
-- depends_on: {{ ref('segment_definitions') }}
{%- set definitions = segment_definitions() %}

with

daily_attributes as (
    select * from {{ ref('int_segments__account_daily_attributes') }}
),

flagged as (
    {{ segment_membership_flags('daily_attributes', definitions) }}
),

spells as (
    {{ segment_membership_spells('flagged', definitions) }}
)

select * from spells
