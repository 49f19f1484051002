{#- The active policy rules as validated by int_policy__rules: what the dashboard, the
    pre-send page and the segment export use to name a rule to a person. -#}
with

rules as (
    select * from {{ ref('int_policy__rules') }}
),

final as (
    select
        rule_id,
        rule_type,
        scope,
        rule_description,
        severity
    from rules
)

select * from final
