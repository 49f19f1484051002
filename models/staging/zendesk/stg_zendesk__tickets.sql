with

source as (
    select * from {{ source('zendesk', 'ticket') }}
),

latest as (
    {{ latest_version('source') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as ticket_id,
        {{ as_text('requester_id') }} as requester_id,
        {{ as_text('submitter_id') }} as submitter_id,
        {{ as_text('assignee_id') }} as assignee_id,
        {{ as_text('organization_id') }} as organization_id,
        {{ as_text('group_id') }} as group_id,
        {{ as_text('external_id') }} as external_id,
        -- dimensions
        {{ as_text('subject') }} as subject,
        lower({{ as_text('type') }}) as ticket_type,
        lower({{ as_text('priority') }}) as priority,
        lower({{ as_text('status') }}) as status,
        lower({{ as_text('via_channel') }}) as via_channel,
        {{ as_text('satisfaction_rating_comment') }} as satisfaction_comment,
        -- measures: CSAT 1-5 (text scores such as 'offered' become null)
        {{ parse_number('satisfaction_rating_score', 'integer') }} as satisfaction_score,
        -- timestamps
        {{ parse_timestamp('due_at') }} as due_at,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        -- flags
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from latest
)

select * from renamed
