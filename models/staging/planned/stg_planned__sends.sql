{#-
  Planned sends: one row per row of the planned-sends file, numbered in file order
  (planned_send_id = the 1-based data row, as the pre-send check numbers them:
  planned_message_id 'planned:<row>'). Recipient email normalised, planned_at parsed to
  UTC (null when unreadable: the pre-send check reports such rows), dimensions lower-cased.
-#}
with

source as (
    select * from {{ planned_sends_relation() }}
),

numbered as (
    select
        *,
        {{ file_row_number() }} as source_row_number
    from source
),

renamed as (
    select
        -- ids
        cast(source_row_number as integer) as planned_send_id,
        'planned:' || cast(source_row_number as {{ dbt.type_string() }}) as planned_message_id,
        {{ as_text('contact_id') }} as contact_id,
        -- dimensions
        {{ as_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        lower({{ as_text('team') }}) as team,
        lower({{ as_text('category') }}) as category,
        lower({{ as_text('channel') }}) as channel,
        {{ as_text('campaign') }} as campaign,
        'planned' as status,
        -- timestamps
        {{ as_text('planned_at') }} as planned_at_raw,
        {{ parse_timestamp('planned_at') }} as planned_at
    from numbered
)

select * from renamed
