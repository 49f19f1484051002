{#-
  The one golden record per account (company) that every model reads: survivorship is data
  (each governed attribute picked by its rule in seeds/survivorship_rules.csv, see
  int_accounts__survivorship, with the winning source in <attribute>_source), the owner and
  the owner's team (int_crm__user_teams), region and size band, the source records merged
  into it, and its current plan and MRR/ARR (int_accounts__billing). dim_accounts adds the
  360 facts (pipeline, support, engagement, journey) to this record.
-#}
with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

survivorship as (
    select * from {{ ref('int_accounts__survivorship') }}
),

billing as (
    select * from {{ ref('int_accounts__billing') }}
),

owners as (
    select * from {{ ref('int_crm__user_teams') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

country_regions as (
    select * from {{ ref('country_regions') }}
),

size_bands as (
    select * from {{ ref('company_size_bands') }}
),

records as (
    select
        account_records.*,
        account_clusters.account_id
    from account_records
    inner join account_clusters
        on account_records.record_key = account_clusters.record_key
),

source_ids as (
    select
        account_id,
        {{ agg_distinct_list("case when source_system = 'salesforce' then source_record_id end") }}
            as salesforce_account_ids,
        {{ agg_distinct_list("case when source_system = 'stripe' then source_record_id end") }}
            as stripe_customer_ids,
        {{ agg_distinct_list("case when source_system = 'zendesk' then source_record_id end") }}
            as zendesk_organization_ids,
        count(*) as source_record_count,
        min(created_at) as first_seen_at,
        min(case when is_deleted then 1 else 0 end) = 1 as is_deleted_everywhere
    from records
    group by account_id
),

{%- set governed = [
    'account_name', 'primary_domain', 'country', 'industry', 'owner_user_id', 'employee_count', 'billing_email'
] %}

golden as (
    select
        account_id,
        {% for attribute in governed %}
            max(case when attribute = '{{ attribute }}' then attribute_value end) as {{ attribute }},
            max(case when attribute = '{{ attribute }}' then source_system end) as {{ attribute }}_source
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from survivorship
    group by account_id
),

contact_counts as (
    select
        account_id,
        count(*) as contact_count
    from contact_accounts
    group by account_id
),

final as (
    select
        source_ids.account_id,
        golden.account_name,
        golden.primary_domain,
        golden.industry,
        country_regions.region,
        coalesce(country_regions.country_code, golden.country) as country,
        golden.owner_user_id,
        owners.full_name as owner_name,
        owners.team as owner_team,
        owners.role_name as owner_role,
        billing.plan,
        billing.last_plan,
        cast(coalesce(billing.mrr, 0) as decimal(18, 2)) as current_mrr,
        cast(coalesce(billing.arr, 0) as decimal(18, 2)) as arr,
        coalesce(billing.mrr, 0) > 0 as is_customer,
        source_ids.salesforce_account_ids,
        source_ids.stripe_customer_ids,
        source_ids.zendesk_organization_ids,
        cast(source_ids.source_record_count as integer) as source_record_count,
        cast(coalesce(contact_counts.contact_count, 0) as integer) as contact_count,
        source_ids.first_seen_at,
        source_ids.is_deleted_everywhere,
        golden.account_name_source,
        golden.primary_domain_source,
        golden.country_source,
        golden.industry_source,
        golden.owner_user_id_source as owner_source,
        cast({{ dbt.safe_cast('golden.employee_count', 'integer') }} as integer) as employee_count,
        size_bands.size_band as company_size_band,
        golden.billing_email
    from source_ids
    left join golden
        on source_ids.account_id = golden.account_id
    left join owners
        on golden.owner_user_id = owners.user_id
    left join billing
        on source_ids.account_id = billing.account_id
    left join contact_counts
        on source_ids.account_id = contact_counts.account_id
    left join country_regions
        on
            upper(golden.country) = country_regions.country_code
            or lower(golden.country) = lower(country_regions.country_name)
    left join size_bands
        on
            {{ dbt.safe_cast('golden.employee_count', 'integer') }} >= size_bands.min_employees
            and (
                {{ dbt.safe_cast('golden.employee_count', 'integer') }} <= size_bands.max_employees
                or size_bands.max_employees is null
            )
)

select * from final
