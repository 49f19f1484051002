{#-
  The governance scorecard: per ISO week (Monday start), sending team and severity, how many
  distinct contacts and accounts the team messaged and how many of them received a message
  that broke a rule of that severity (fct_cadence_violations, counted on the violating
  message's team and week). Team 'all' counts across teams and severity 'all' across
  severities, each person once (distinct counts cannot be summed over teams). The severities
  are those of the active policy rules (dim_policy_rules, from the policy seed), never a list
  of their own: a severity no rule has gets no rows.
-#}
with

rules as (
    select * from {{ ref('dim_policy_rules') }}
),

communications as (
    select
        contact_id,
        account_id,
        team,
        cast({{ dbt.date_trunc('week', 'sent_at') }} as date) as week_start
    from {{ ref('fct_communications') }}
    where team is not null
),

violations as (
    select
        contact_id,
        account_id,
        team,
        severity,
        cast({{ dbt.date_trunc('week', 'sent_at') }} as date) as week_start
    from {{ ref('fct_cadence_violations') }}
    where team is not null and severity is not null
),

messaged as (
    select
        week_start,
        team,
        count(distinct contact_id) as contacts_messaged,
        count(distinct account_id) as accounts_messaged
    from communications
    group by week_start, team
    union all
    select
        week_start,
        'all' as team,
        count(distinct contact_id) as contacts_messaged,
        count(distinct account_id) as accounts_messaged
    from communications
    group by week_start
),

rule_severities as (
    select distinct severity
    from rules
    where severity is not null
),

severities as (
    select severity
    from rule_severities
    union all
    select 'all' as severity
),

over_policy as (
    select
        week_start,
        team,
        severity,
        count(distinct contact_id) as contacts_over_policy,
        count(distinct account_id) as accounts_over_policy
    from violations
    group by week_start, team, severity
    union all
    select
        week_start,
        team,
        'all' as severity,
        count(distinct contact_id) as contacts_over_policy,
        count(distinct account_id) as accounts_over_policy
    from violations
    group by week_start, team
    union all
    select
        week_start,
        'all' as team,
        severity,
        count(distinct contact_id) as contacts_over_policy,
        count(distinct account_id) as accounts_over_policy
    from violations
    group by week_start, severity
    union all
    select
        week_start,
        'all' as team,
        'all' as severity,
        count(distinct contact_id) as contacts_over_policy,
        count(distinct account_id) as accounts_over_policy
    from violations
    group by week_start
),

final as (
    select
        messaged.week_start,
        messaged.team,
        severities.severity,
        cast(messaged.contacts_messaged as integer) as contacts_messaged,
        cast(coalesce(over_policy.contacts_over_policy, 0) as integer) as contacts_over_policy,
        cast(coalesce(over_policy.contacts_over_policy, 0) as double)
        / nullif(messaged.contacts_messaged, 0) as share_contacts_over_policy,
        cast(messaged.accounts_messaged as integer) as accounts_messaged,
        cast(coalesce(over_policy.accounts_over_policy, 0) as integer) as accounts_over_policy,
        cast(coalesce(over_policy.accounts_over_policy, 0) as double)
        / nullif(messaged.accounts_messaged, 0) as share_accounts_over_policy
    from messaged
    cross join severities
    left join over_policy
        on
            messaged.week_start = over_policy.week_start
            and messaged.team = over_policy.team
            and severities.severity = over_policy.severity
)

select * from final
