{#-
  The active rules of the communication policy (seed communication_policies), one row per
  rule, with their parameters parsed once (integers cast, window_kind defaulting to
  rolling) and the models that implement their type (seed policy_rule_types, the registry
  of rule types). Compiling this model checks every active rule against the registry and
  fails the build, naming the rules, when one cannot be checked as written
  (validate_policy_rules): an unknown type, an unsupported scope or window kind, a missing
  required parameter. Every int_policy__* model reads its rules from here.
-#}
{{ validate_policy_rules() }}
with

policies as (
    select * from {{ ref('communication_policies') }}
),

rule_types as (
    select * from {{ ref('policy_rule_types') }}
),

final as (
    select
        policies.rule_id,
        policies.rule_type,
        policies.scope,
        policies.description as rule_description,
        policies.severity,
        coalesce(policies.window_kind, 'rolling') as window_kind,
        cast(policies.window_days as integer) as window_days,
        cast(policies.window_hours as integer) as window_hours,
        cast(policies.max_messages as integer) as max_messages,
        cast(policies.min_teams as integer) as min_teams,
        policies.counted_categories,
        coalesce(policies.exempt_categories, '') as exempt_categories,
        coalesce(policies.channels, '*') as channels,
        cast(policies.quiet_start_hour as integer) as quiet_start_hour,
        cast(policies.quiet_end_hour as integer) as quiet_end_hour,
        cast(policies.lookback_days as integer) as lookback_days,
        policies.ticket_priorities,
        cast(policies.csat_max_score as integer) as csat_max_score,
        rule_types.models as implementing_models
    from policies
    inner join rule_types
        on policies.rule_type = rule_types.rule_type
    where cast(policies.is_active as boolean)
)

select * from final
