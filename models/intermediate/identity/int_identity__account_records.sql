{#- Every account-like source record, in one shape: one row per (system, table, record). -#}
with

salesforce_accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

stripe_customers as (
    select * from {{ ref('stg_stripe__customers') }}
),

zendesk_organizations as (
    select * from {{ ref('stg_zendesk__organizations') }}
),

free_email_domains as (
    select * from {{ ref('free_email_domains') }}
),

stripe_with_domain as (
    select
        stripe_customers.*,
        case
            when free_email_domains.domain is null then {{ email_domain('stripe_customers.email') }}
        end as business_email_domain
    from stripe_customers
    left join free_email_domains
        on {{ email_domain('stripe_customers.email') }} = free_email_domains.domain
),

unioned as (
    select
        'salesforce' as source_system,
        'account' as source_table,
        account_id as source_record_id,
        account_name as record_name,
        account_name_normalised as name_normalised,
        website_domain as domain_list,
        account_id as crm_account_id,
        billing_country as country,
        created_at,
        is_deleted
    from salesforce_accounts

    union all

    select
        'stripe' as source_system,
        'customer' as source_table,
        customer_id as source_record_id,
        customer_name as record_name,
        customer_name_normalised as name_normalised,
        business_email_domain as domain_list,
        crm_account_id,
        address_country as country,
        created_at,
        is_deleted
    from stripe_with_domain

    union all

    select
        'zendesk' as source_system,
        'organization' as source_table,
        organization_id as source_record_id,
        organization_name as record_name,
        organization_name_normalised as name_normalised,
        domain_names as domain_list,
        external_id as crm_account_id,
        cast(null as {{ dbt.type_string() }}) as country,
        created_at,
        is_deleted
    from zendesk_organizations
),

final as (
    select
        source_system || ':' || source_table || ':' || source_record_id as record_key,
        *
    from unioned
)

select * from final
