{#- The declared segments (seed segment_definitions): what the dashboard and the segment
    export list and label. Membership is in fct_segment_membership. -#}
with

definitions as (
    select * from {{ ref('segment_definitions') }}
),

final as (
    select
        cast(segment_id as {{ dbt.type_string() }}) as segment_id,
        cast(name as {{ dbt.type_string() }}) as segment_name,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(owning_team as {{ dbt.type_string() }}) as owning_team,
        cast(is_active as boolean) as is_active
    from definitions
)

select * from final
