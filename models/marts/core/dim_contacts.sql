{#-
  One golden record per contact (person): the contact 360. The record itself (email, name,
  title, time zone and country by the contact rules of seeds/survivorship_rules.csv, the
  account, opt-out) is int_core__contacts; this mart adds the persona (seed persona_rules),
  engagement (last 30/90 days, score, trend) and messages received (last 7/30/90 days by
  team) from models/intermediate/engagement.
-#}
-- depends_on: {{ ref('team_categories') }}
with

contacts as (
    select * from {{ ref('int_core__contacts') }}
),

personas as (
    select * from {{ ref('int_contacts__personas') }}
),

engagement as (
    select * from {{ ref('int_contacts__engagement') }}
),

messages_received as (
    select * from {{ ref('int_contacts__messages_received') }}
),

final as (
    select
        contacts.contact_id,
        contacts.account_id,
        contacts.account_link_rule,
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.full_name,
        contacts.title,
        contacts.country,
        contacts.time_zone,
        contacts.time_zone_source,
        contacts.is_opted_out,
        contacts.opted_out_at,
        contacts.opted_out_sources,
        contacts.salesforce_contact_ids,
        contacts.hubspot_contact_ids,
        contacts.zendesk_user_ids,
        contacts.stripe_customer_ids,
        contacts.source_record_count,
        contacts.first_seen_at,
        contacts.is_deleted_everywhere,
        contacts.opted_out_source_first,
        personas.persona,
        personas.persona_rule,
        personas.is_billing_contact,
        {%- for days in [7, 30, 90] %}
            messages_received.messages_{{ days }}d_total,
            {%- for team in team_names() %}
                messages_received.messages_{{ days }}d_{{ team }},
            {%- endfor %}
        {%- endfor %}
        messages_received.last_touch_at,
        messages_received.last_touch_team,
        engagement.opens_30d,
        engagement.opens_90d,
        engagement.clicks_30d,
        engagement.clicks_90d,
        engagement.replies_30d,
        engagement.replies_90d,
        engagement.meetings_30d,
        engagement.meetings_90d,
        engagement.tickets_30d,
        engagement.tickets_90d,
        engagement.engagement_score,
        engagement.engagement_trend,
        engagement.last_engaged_at,
        engagement.as_of_at as activity_as_of_at
    from contacts
    left join personas
        on contacts.contact_id = personas.contact_id
    left join engagement
        on contacts.contact_id = engagement.contact_id
    left join messages_received
        on contacts.contact_id = messages_received.contact_id
)

select * from final
