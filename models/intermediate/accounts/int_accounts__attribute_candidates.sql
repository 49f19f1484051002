{#-
  Every value a source record offers for a survivorship-governed account attribute, one
  row per (record, attribute) with a non-empty value: what int_accounts__survivorship
  chooses from. observed_at = when the source last changed the record (CRM
  last_modified_date, Zendesk updated_at), else its creation time (Stripe customers).
-#}
with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

salesforce_accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

stripe_customers as (
    select * from {{ ref('stg_stripe__customers') }}
),

zendesk_organizations as (
    select * from {{ ref('stg_zendesk__organizations') }}
),

records as (
    select
        account_clusters.account_id,
        account_records.record_key,
        account_records.source_system,
        account_records.source_record_id,
        account_records.record_name,
        {{ normalise_domain("split_part(account_records.domain_list, ',', 1)") }} as first_domain,
        account_records.country,
        account_records.created_at,
        coalesce(
            salesforce_accounts.modified_at, zendesk_organizations.updated_at, account_records.created_at
        ) as observed_at,
        account_records.is_deleted,
        salesforce_accounts.industry,
        salesforce_accounts.owner_user_id,
        cast(salesforce_accounts.number_of_employees as {{ dbt.type_string() }}) as employee_count,
        stripe_customers.email as billing_email
    from account_records
    inner join account_clusters
        on account_records.record_key = account_clusters.record_key
    left join salesforce_accounts
        on
            account_records.source_system = 'salesforce'
            and account_records.source_record_id = salesforce_accounts.account_id
    left join stripe_customers
        on
            account_records.source_system = 'stripe'
            and account_records.source_record_id = stripe_customers.customer_id
    left join zendesk_organizations
        on
            account_records.source_system = 'zendesk'
            and account_records.source_record_id = zendesk_organizations.organization_id
),

{%- set attributes = {
    'account_name': 'record_name',
    'primary_domain': 'first_domain',
    'country': 'country',
    'industry': 'industry',
    'owner_user_id': 'owner_user_id',
    'employee_count': 'employee_count',
    'billing_email': 'billing_email',
} %}

unioned as (
    {% for attribute, column in attributes.items() %}
        select
            account_id,
            record_key,
            source_system,
            source_record_id,
            '{{ attribute }}' as attribute,
            nullif(trim({{ column }}), '') as attribute_value,
            observed_at,
            created_at,
            is_deleted
        from records
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from unioned
    where attribute_value is not null
)

select * from final
