with

source as (
    {{ loaded_raw('salesforce', 'task') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as task_id,
        {{ as_text('who_id') }} as contact_id,
        {{ as_text('what_id') }} as related_to_id,
        {{ as_text('account_id') }} as account_id,
        {{ as_text('owner_id') }} as owner_user_id,
        -- dimensions
        {{ as_text('subject') }} as subject,
        {{ as_text('type') }} as task_type,
        {{ as_text('task_subtype') }} as task_subtype,
        {{ as_text('status') }} as status,
        {{ as_text('priority') }} as priority,
        {{ as_text('call_type') }} as call_type,
        -- measures
        {{ parse_number('call_duration_in_seconds', 'integer') }} as call_duration_seconds,
        -- timestamps
        {{ parse_date('activity_date') }} as activity_date,
        {{ parse_timestamp('completed_date_time') }} as completed_at,
        {{ parse_timestamp('created_date') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('is_deleted') }}, false)
        or coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
