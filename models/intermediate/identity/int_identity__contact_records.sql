{#- Every contact-like source record, in one shape: one row per (system, table, record). -#}
with

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

stripe_customers as (
    select * from {{ ref('stg_stripe__customers') }}
),

unioned as (
    select
        'salesforce' as source_system,
        'contact' as source_table,
        contact_id as source_record_id,
        email,
        first_name,
        last_name,
        full_name,
        title,
        account_id as crm_account_id,
        cast(null as {{ dbt.type_string() }}) as zendesk_organization_id,
        cast(null as {{ dbt.type_string() }}) as stripe_customer_id,
        cast(null as {{ dbt.type_string() }}) as company_name_normalised,
        mailing_country as country,
        cast(null as {{ dbt.type_string() }}) as time_zone,
        has_opted_out_of_email,
        created_at,
        is_deleted
    from salesforce_contacts

    union all

    select
        'hubspot' as source_system,
        'contact' as source_table,
        hubspot_contact_id as source_record_id,
        email,
        first_name,
        last_name,
        trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) as full_name,
        job_title as title,
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        cast(null as {{ dbt.type_string() }}) as zendesk_organization_id,
        cast(null as {{ dbt.type_string() }}) as stripe_customer_id,
        company_name_normalised,
        country,
        cast(null as {{ dbt.type_string() }}) as time_zone,
        has_opted_out_of_email,
        created_at,
        is_deleted
    from hubspot_contacts

    union all

    select
        'zendesk' as source_system,
        'user' as source_table,
        zendesk_user_id as source_record_id,
        email,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        full_name,
        cast(null as {{ dbt.type_string() }}) as title,
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        organization_id as zendesk_organization_id,
        cast(null as {{ dbt.type_string() }}) as stripe_customer_id,
        cast(null as {{ dbt.type_string() }}) as company_name_normalised,
        cast(null as {{ dbt.type_string() }}) as country,
        iana_time_zone as time_zone,
        false as has_opted_out_of_email,
        created_at,
        is_deleted
    from zendesk_users
    -- agents and admins are our own staff, not contacts
    where coalesce(user_role, 'end-user') not in ('agent', 'admin')

    union all

    select
        'stripe' as source_system,
        'customer' as source_table,
        customer_id as source_record_id,
        email,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as full_name,
        cast(null as {{ dbt.type_string() }}) as title,
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        cast(null as {{ dbt.type_string() }}) as zendesk_organization_id,
        customer_id as stripe_customer_id,
        cast(null as {{ dbt.type_string() }}) as company_name_normalised,
        address_country as country,
        cast(null as {{ dbt.type_string() }}) as time_zone,
        false as has_opted_out_of_email,
        created_at,
        is_deleted
    from stripe_customers
),

final as (
    select
        source_system || ':' || source_table || ':' || source_record_id as record_key,
        *
    from unioned
)

select * from final
