{#-
  HubSpot email events. The type comes from email_event.type; when a connector lands no type
  column, from the per-type table that holds the event's id (email_event_sent, _open,
  _click, ...: meta event_type in the sources YAML).
-#}
{%- set type_tables = raw_event_type_tables('hubspot')
    if not raw_column_exists('hubspot', 'email_event', 'type') else [] -%}
{%- set event_type_sql = raw_enum('hubspot', 'email_event', 'type', 'source.type') -%}
{%- if type_tables -%}
    {%- set event_type_sql = "coalesce(" ~ event_type_sql ~ ", types.event_type)" -%}
{%- endif -%}
with

source as (
    {{ loaded_raw('hubspot', 'email_event') }}
),

{% if type_tables -%}
typed_ids as (
    {% for table, event_type in type_tables -%}
    select distinct
        {{ as_text('id') }} as email_event_id,
        '{{ event_type }}' as event_type
    from ({{ loaded_raw('hubspot', table) }}) as {{ table }}
    {{ 'union all' if not loop.last }}
    {% endfor %}
),

types as (
    select
        email_event_id,
        min(event_type) as event_type
    from typed_ids
    group by email_event_id
),

{% endif -%}
renamed as (
    select
        -- ids
        {{ as_text('source.id') }} as email_event_id,
        {{ as_text('source.email_campaign_id') }} as email_campaign_id,
        {{ as_text('source.sent_by_id') }} as sent_by_event_id,
        {{ as_text('source.caused_by_id') }} as caused_by_event_id,
        {{ as_text('source.portal_id') }} as portal_id,
        -- dimensions
        {{ as_text('source.recipient') }} as recipient_raw,
        {{ normalise_email('source.recipient') }} as recipient_email,
        {{ event_type_sql }} as event_type,
        -- timestamps
        {{ parse_timestamp('source.created') }} as occurred_at,
        {{ parse_timestamp('source._fivetran_synced') }} as synced_at,
        -- flags
        coalesce({{ parse_boolean('source.filtered_event') }}, false) as is_filtered_event
    from source
    {% if type_tables -%}
    left join types
        on {{ as_text('source.id') }} = types.email_event_id
    {%- endif %}
)

select * from renamed
