{#-
  The one golden record per contact (person) that every model reads. Survivorship is data:
  email, name (first, last and full name from the same record), title, time zone and
  country are each picked by the contact rules of seeds/survivorship_rules.csv (macro
  survivorship_order). The account comes from int_identity__contact_accounts; the time zone
  falls back from the support profile to the contact's country, then the account's
  country, then UTC (time_zone_source says which); opted out when any system says so,
  since the earliest opt-out we know of (int_consent__opt_outs). dim_contacts adds persona,
  engagement and messages received to this record.
-#}
-- depends_on: {{ ref('survivorship_rules') }}
{%- set rules = survivorship_rules('contact') %}
{%- set picks = {
    'email': 'email', 'full_name': "nullif(full_name, '')", 'title': 'title',
    'time_zone': 'time_zone', 'country': 'country'} %}
{%- for attribute in picks if rules and attribute not in rules %}
    {{ exceptions.raise_compiler_error(
        "survivorship_rules: no contact rule for '" ~ attribute ~ "' (int_core__contacts picks "
        ~ (picks.keys() | join(', ')) ~ ")") }}
{%- endfor %}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

opt_outs as (
    select * from {{ ref('int_consent__opt_outs') }}
),

accounts as (
    select * from {{ ref('int_core__accounts') }}
),

country_regions as (
    select * from {{ ref('country_regions') }}
),

records as (
    select
        contact_records.*,
        contact_clusters.contact_id
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
),

ranked as (
    select
        *,
        {% for attribute, value in picks.items() %}
            row_number() over (
                partition by contact_id
                order by {{ survivorship_order(rules.get(attribute, {'rule': 'source_priority', 'sources': []}),
                    value, observed_at='created_at', tie_breaker='source_record_id') }}
            ) as {{ attribute }}_rank{% if not loop.last %},{% endif %}
        {% endfor %}
    from records
),

source_ids as (
    select
        contact_id,
        {{ agg_distinct_list("case when source_system = 'salesforce' then source_record_id end") }}
            as salesforce_contact_ids,
        {{ agg_distinct_list("case when source_system = 'hubspot' then source_record_id end") }}
            as hubspot_contact_ids,
        {{ agg_distinct_list("case when source_system = 'zendesk' then source_record_id end") }}
            as zendesk_user_ids,
        {{ agg_distinct_list("case when source_system = 'stripe' then source_record_id end") }}
            as stripe_customer_ids,
        count(*) as source_record_count,
        min(created_at) as first_seen_at,
        min(case when is_deleted then 1 else 0 end) = 1 as is_deleted_everywhere
    from records
    group by contact_id
),

consent as (
    select
        contact_id,
        min(opted_out_at) as opted_out_at,
        {{ agg_distinct_list('opt_out_source') }} as opted_out_sources
    from opt_outs
    group by contact_id
),

first_dated_opt_out as (
    select
        contact_id,
        opt_out_source as opted_out_source_first,
        row_number() over (
            partition by contact_id
            order by opted_out_at, opt_out_source
        ) as opt_out_rank
    from opt_outs
    where opted_out_at is not null
),

final as (
    select
        source_ids.contact_id,
        contact_accounts.account_id,
        contact_accounts.account_link_rule,
        email_pick.email,
        name_pick.first_name,
        name_pick.last_name,
        name_pick.full_name,
        title_pick.title,
        coalesce(contact_country.country_code, country_pick.country, accounts.country) as country,
        coalesce(
            time_zone_pick.time_zone, contact_country.time_zone, account_country.time_zone, 'UTC'
        ) as time_zone,
        case
            when time_zone_pick.time_zone is not null then 'support_profile'
            when contact_country.time_zone is not null then 'contact_country'
            when account_country.time_zone is not null then 'account_country'
            else 'default_utc'
        end as time_zone_source,
        consent.contact_id is not null as is_opted_out,
        consent.opted_out_at,
        consent.opted_out_sources,
        source_ids.salesforce_contact_ids,
        source_ids.hubspot_contact_ids,
        source_ids.zendesk_user_ids,
        source_ids.stripe_customer_ids,
        cast(source_ids.source_record_count as integer) as source_record_count,
        source_ids.first_seen_at,
        source_ids.is_deleted_everywhere,
        first_dated_opt_out.opted_out_source_first
    from source_ids
    inner join ranked as email_pick
        on source_ids.contact_id = email_pick.contact_id and email_pick.email_rank = 1
    inner join ranked as name_pick
        on source_ids.contact_id = name_pick.contact_id and name_pick.full_name_rank = 1
    inner join ranked as title_pick
        on source_ids.contact_id = title_pick.contact_id and title_pick.title_rank = 1
    inner join ranked as time_zone_pick
        on source_ids.contact_id = time_zone_pick.contact_id and time_zone_pick.time_zone_rank = 1
    inner join ranked as country_pick
        on source_ids.contact_id = country_pick.contact_id and country_pick.country_rank = 1
    left join contact_accounts
        on source_ids.contact_id = contact_accounts.contact_id
    left join accounts
        on contact_accounts.account_id = accounts.account_id
    left join country_regions as contact_country
        on
            upper(country_pick.country) = contact_country.country_code
            or lower(country_pick.country) = lower(contact_country.country_name)
    left join country_regions as account_country
        on accounts.country = account_country.country_code
    left join consent
        on source_ids.contact_id = consent.contact_id
    left join first_dated_opt_out
        on source_ids.contact_id = first_dated_opt_out.contact_id and first_dated_opt_out.opt_out_rank = 1
)

select * from final
