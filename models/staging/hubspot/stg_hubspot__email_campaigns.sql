with

source as (
    {{ loaded_raw('hubspot', 'email_campaign') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as email_campaign_id,
        {{ as_text('app_id') }} as app_id,
        {{ as_text('content_id') }} as content_id,
        -- dimensions
        {{ as_text('app_name') }} as app_name,
        {{ as_text('name') }} as campaign_name,
        {{ as_text('subject') }} as subject,
        upper({{ as_text('type') }}) as campaign_type,
        -- measures
        {{ parse_number('num_included', 'integer') }} as num_included
    from source
)

select * from renamed
