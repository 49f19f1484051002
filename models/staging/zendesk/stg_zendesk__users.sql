{#-
  Zendesk users. The time zone comes as an IANA name (`iana_time_zone`, newer connectors) or
  a Rails name in `time_zone` ("Eastern Time (US & Canada)"), mapped by the
  zendesk_time_zones seed; a value the engine does not know as a zone becomes null (the
  engine's zones: time_zone_names(); on Spark the iana_time_zones seed).
-#}
-- depends_on: {{ ref('iana_time_zones') }}
with

source as (
    {{ loaded_raw('zendesk', 'user') }}
),

rails_time_zones as (
    select * from {{ ref('zendesk_time_zones') }}
),

known_time_zones as (
    {{ time_zone_names() }}
),

zoned as (
    select
        source.*,
        coalesce(
            {{ as_text('source.iana_time_zone') }},
            rails_time_zones.iana_time_zone,
            {{ as_text('source.time_zone') }}
        ) as time_zone_candidate
    from source
    left join rails_time_zones
        on {{ as_text('source.time_zone') }} = rails_time_zones.rails_time_zone
),

renamed as (
    select
        -- ids
        {{ as_text('zoned.id') }} as zendesk_user_id,
        {{ as_text('zoned.organization_id') }} as organization_id,
        {{ as_text('zoned.external_id') }} as external_id,
        -- dimensions
        {{ as_text('zoned.email') }} as email_raw,
        {{ normalise_email('zoned.email') }} as email,
        {{ as_text('zoned.name') }} as full_name,
        {{ raw_enum('zendesk', 'user', 'role', 'zoned.role') }} as user_role,
        {{ as_text('zoned.time_zone') }} as time_zone,
        known_time_zones.time_zone_name as iana_time_zone,
        {{ as_text('zoned.locale') }} as locale,
        -- timestamps
        {{ parse_timestamp('zoned.created_at') }} as created_at,
        {{ parse_timestamp('zoned.updated_at') }} as updated_at,
        {{ parse_timestamp('zoned.last_login_at') }} as last_login_at,
        -- flags
        coalesce({{ parse_boolean('zoned.active') }}, true) as is_active,
        coalesce({{ parse_boolean('zoned.suspended') }}, false) as is_suspended,
        coalesce({{ parse_boolean('zoned._fivetran_deleted') }}, false) as is_deleted
    from zoned
    left join known_time_zones
        on zoned.time_zone_candidate = known_time_zones.time_zone_name
)

select * from renamed
