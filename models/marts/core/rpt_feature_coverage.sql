{#-
  What this build could evaluate: one row per feature of seeds/raw_features.csv, with the
  status the raw-export inspection gave it (active, degraded with its fallback, or off) and
  why. The inspection (clearinghouse inspect, run by every build) passes the statuses as the
  var raw_features; the seed supplies the declared requirements shown beside them.
-#}
with

features as (
    select * from {{ ref('raw_features') }}
),

statuses as (
    {{ raw_feature_statuses() }}
),

final as (
    select
        features.feature,
        features.label,
        coalesce(statuses.status, 'not_evaluated') as status,
        nullif(statuses.detail, '') as detail,
        nullif(features.requires, '') as requires,
        nullif(features.improves_with, '') as improves_with,
        nullif(features.fallback, '') as fallback
    from features
    left join statuses
        on features.feature = statuses.feature
)

select * from final
