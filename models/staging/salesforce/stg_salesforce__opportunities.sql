with

source as (
    {{ loaded_raw('salesforce', 'opportunity') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as opportunity_id,
        {{ as_text('account_id') }} as account_id,
        {{ as_text('owner_id') }} as owner_user_id,
        -- dimensions
        {{ as_text('name') }} as opportunity_name,
        {{ as_text('type') }} as opportunity_type,
        {{ as_text('stage_name') }} as stage_name,
        {{ as_text('forecast_category') }} as forecast_category,
        -- measures
        {{ parse_number('amount') }} as amount,
        {{ parse_number('probability') }} as probability,
        -- timestamps
        {{ parse_date('close_date') }} as close_date,
        {{ parse_timestamp('created_date') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('is_closed') }}, false) as is_closed,
        coalesce({{ parse_boolean('is_won') }}, false) as is_won,
        coalesce({{ parse_boolean('is_deleted') }}, false)
        or coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
