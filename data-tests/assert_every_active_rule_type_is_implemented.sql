-- Every active rule in the policy seed must be of a type that has a model: a rule of an
-- unknown type would silently never fire.
select rule_id, rule_type
from {{ ref('communication_policies') }}
where
    cast(is_active as boolean)
    and rule_type not in (
        'rolling_cap', 'cross_team_collision', 'opted_out_send', 'quiet_hours',
        'support_aware', 'owner_not_looped'
    )
