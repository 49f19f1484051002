with

source as (
    {{ loaded_raw('zendesk', 'ticket') }}
),

{# CSAT from the satisfaction_rating table, for connectors that land it there: the latest
   rating per ticket that is a score (not 'offered'/'unoffered'). #}
rating_rows as (
    {{ loaded_raw('zendesk', 'satisfaction_rating') }}
),

ratings as (
    select
        ticket_id,
        score
    from (
        select
            {{ as_text('ticket_id') }} as ticket_id,
            {{ csat_score('score') }} as score,
            row_number() over (
                partition by {{ as_text('ticket_id') }}
                order by
                    coalesce({{ parse_timestamp('updated_at') }}, {{ parse_timestamp('created_at') }}) desc nulls last,
                    {{ as_text('id') }} desc
            ) as rating_rank
        from rating_rows
        where {{ csat_score('score') }} is not null
    ) as ranked
    where rating_rank = 1
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
        {{ raw_enum('zendesk', 'ticket', 'type') }} as ticket_type,
        {{ raw_enum('zendesk', 'ticket', 'priority') }} as priority,
        {{ raw_enum('zendesk', 'ticket', 'status') }} as status,
        lower({{ as_text('via_channel') }}) as via_channel,
        {{ as_text('satisfaction_rating_comment') }} as satisfaction_comment,
        -- measures: CSAT 1-5 (good = 5, bad = 1; 'offered' and other text become null)
        coalesce({{ csat_score('source.satisfaction_rating_score') }}, ratings.score) as satisfaction_score,
        -- timestamps
        {{ parse_timestamp('due_at') }} as due_at,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        -- flags
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
    left join ratings
        on {{ as_text('source.id') }} = ratings.ticket_id
)

select * from renamed
