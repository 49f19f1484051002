{#-
  One golden record per account (company). Survivorship: the CRM owns name, industry,
  owner and country (Stripe, then Zendesk fill gaps); billing (Stripe) owns plan and MRR;
  among several records of one system the live, oldest one wins.
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

crm_users as (
    select * from {{ ref('stg_salesforce__users') }}
),

crm_roles as (
    select * from {{ ref('stg_salesforce__user_roles') }}
),

role_teams as (
    select * from {{ ref('crm_role_teams') }}
),

customer_mrr as (
    select * from {{ ref('int_billing__customer_mrr') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

country_regions as (
    select * from {{ ref('country_regions') }}
),

records as (
    select
        account_records.*,
        account_clusters.account_id,
        case account_records.source_system
            when 'salesforce' then 1 when 'stripe' then 2 else 3
        end as source_priority,
        {{ normalise_domain("split_part(account_records.domain_list, ',', 1)") }} as first_domain
    from account_records
    inner join account_clusters
        on account_records.record_key = account_clusters.record_key
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id
            order by is_deleted, source_priority, created_at nulls last, source_record_id
        ) as survivor_rank,
        row_number() over (
            partition by account_id
            order by
                case when first_domain is null then 1 else 0 end,
                is_deleted,
                source_priority,
                created_at nulls last,
                source_record_id
        ) as domain_rank,
        row_number() over (
            partition by account_id
            order by
                case when country is null then 1 else 0 end,
                is_deleted,
                source_priority,
                created_at nulls last,
                source_record_id
        ) as country_rank
    from records
),

crm_ranked as (
    select
        records.account_id,
        salesforce_accounts.industry,
        salesforce_accounts.owner_user_id,
        salesforce_accounts.number_of_employees,
        row_number() over (
            partition by records.account_id
            order by
                salesforce_accounts.is_deleted,
                salesforce_accounts.created_at nulls last,
                salesforce_accounts.account_id
        ) as crm_rank
    from records
    inner join salesforce_accounts
        on records.source_record_id = salesforce_accounts.account_id
    where records.source_system = 'salesforce'
),

owners as (
    select
        crm_users.user_id,
        crm_users.full_name,
        coalesce(role_teams.team, 'unassigned') as team
    from crm_users
    left join crm_roles
        on crm_users.user_role_id = crm_roles.user_role_id
    left join role_teams
        on crm_roles.role_name = role_teams.role_name
),

billing as (
    select
        records.account_id,
        max(customer_mrr.plan) as plan,
        sum(customer_mrr.mrr) as current_mrr,
        sum(customer_mrr.seats) as seats
    from records
    inner join customer_mrr
        on records.source_record_id = customer_mrr.customer_id
    where records.source_system = 'stripe' and not records.is_deleted
    group by records.account_id
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
        survivor.record_name as account_name,
        domain_pick.first_domain as primary_domain,
        crm.industry,
        country_regions.region,
        coalesce(country_regions.country_code, country_pick.country) as country,
        crm.owner_user_id,
        owners.full_name as owner_name,
        owners.team as owner_team,
        billing.plan,
        cast(coalesce(billing.current_mrr, 0) as decimal(18, 2)) as current_mrr,
        cast(coalesce(billing.seats, 0) as integer) as seats,
        coalesce(billing.current_mrr, 0) > 0 as is_customer,
        source_ids.salesforce_account_ids,
        source_ids.stripe_customer_ids,
        source_ids.zendesk_organization_ids,
        cast(source_ids.source_record_count as integer) as source_record_count,
        cast(coalesce(contact_counts.contact_count, 0) as integer) as contact_count,
        source_ids.first_seen_at,
        source_ids.is_deleted_everywhere
    from source_ids
    inner join ranked as survivor
        on source_ids.account_id = survivor.account_id and survivor.survivor_rank = 1
    inner join ranked as domain_pick
        on source_ids.account_id = domain_pick.account_id and domain_pick.domain_rank = 1
    inner join ranked as country_pick
        on source_ids.account_id = country_pick.account_id and country_pick.country_rank = 1
    left join crm_ranked as crm
        on source_ids.account_id = crm.account_id and crm.crm_rank = 1
    left join owners
        on crm.owner_user_id = owners.user_id
    left join billing
        on source_ids.account_id = billing.account_id
    left join contact_counts
        on source_ids.account_id = contact_counts.account_id
    left join country_regions
        on
            upper(country_pick.country) = country_regions.country_code
            or lower(country_pick.country) = lower(country_regions.country_name)
)

select * from final
