{#-
  Edges from account records to link keys, each naming its rule, strongest first:
  - crm_account_id: the CRM account itself, a Stripe customer whose metadata names it, a
    Zendesk organization whose external_id names it;
  - billing_contact_in_crm: a Stripe customer whose billing contact (resolved identity)
    is a CRM contact of that CRM account;
  - same_domain: same web/email domain (free-mail domains never link accounts);
  - same_normalised_name: same name after case, punctuation and legal suffixes are removed.
  Guards against over-merging: a fuzzy key (domain, name) touching two or more CRM
  accounts is ambiguous, and any key touching more than identity_max_records_per_key
  records is generic; both are kept here, flagged, and never merge.
-#}
with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

free_email_domains as (
    select * from {{ ref('free_email_domains') }}
),

crm_account_ids as (
    select source_record_id as crm_account_id
    from account_records
    where source_system = 'salesforce'
),

crm_id_edges as (
    select
        record_key,
        'crm_account:' || crm_account_id as link_key,
        'crm_account_id' as link_rule,
        1 as rule_priority
    from account_records
    where crm_account_id is not null
),

-- Stripe customers whose billing contact is a CRM contact: link to that contact's account
billing_contacts as (
    select
        contact_clusters.cluster_key,
        contact_records.stripe_customer_id
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
    where contact_records.source_system = 'stripe'
),

crm_contacts as (
    select
        contact_clusters.cluster_key,
        contact_records.crm_account_id
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
    where
        contact_records.source_system = 'salesforce'
        and contact_records.crm_account_id is not null
        and not contact_records.is_deleted
),

billing_contact_edges as (
    select distinct
        'stripe:customer:' || billing_contacts.stripe_customer_id as record_key,
        'crm_account:' || crm_contacts.crm_account_id as link_key,
        'billing_contact_in_crm' as link_rule,
        2 as rule_priority
    from billing_contacts
    inner join crm_contacts
        on billing_contacts.cluster_key = crm_contacts.cluster_key
    inner join crm_account_ids
        on crm_contacts.crm_account_id = crm_account_ids.crm_account_id
),

-- domain lists hold up to five comma-separated domains (Zendesk domain_names)
domains as (
    {% for position in range(1, 6) %}
        select
            record_key,
            nullif(trim(split_part(domain_list, ',', {{ position }})), '') as domain
        from account_records
        where domain_list is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

domain_edges as (
    select distinct
        domains.record_key,
        'domain:' || domains.domain as link_key,
        'same_domain' as link_rule,
        3 as rule_priority
    from domains
    left join free_email_domains
        on domains.domain = free_email_domains.domain
    where domains.domain is not null and free_email_domains.domain is null
),

name_edges as (
    select
        record_key,
        'name:' || name_normalised as link_key,
        'same_normalised_name' as link_rule,
        4 as rule_priority
    from account_records
    where name_normalised is not null
),

unioned_edges as (
    select * from crm_id_edges
    union all
    select * from billing_contact_edges
    union all
    select * from domain_edges
    union all
    select * from name_edges
),

-- one edge per (record, key): the strongest rule that creates it
ranked_edges as (
    select
        *,
        row_number() over (
            partition by record_key, link_key order by rule_priority asc
        ) as edge_rank
    from unioned_edges
),

all_edges as (
    select
        record_key,
        link_key,
        link_rule,
        rule_priority
    from ranked_edges
    where edge_rank = 1
),

key_stats as (
    select
        all_edges.link_key,
        count(*) as record_count,
        count(distinct case when account_records.source_system = 'salesforce' then all_edges.record_key end)
            as crm_account_count
    from all_edges
    inner join account_records
        on all_edges.record_key = account_records.record_key
    group by all_edges.link_key
),

final as (
    select
        all_edges.record_key,
        all_edges.link_key,
        all_edges.link_rule,
        all_edges.rule_priority,
        key_stats.record_count as key_record_count,
        case
            when key_stats.record_count > {{ var('identity_max_records_per_key') }}
                then 'generic_key_too_many_records'
            when all_edges.rule_priority >= 3 and key_stats.crm_account_count > 1
                then 'ambiguous_key_several_crm_accounts'
        end as unusable_reason
    from all_edges
    inner join key_stats
        on all_edges.link_key = key_stats.link_key
),

flagged as (
    select
        *,
        unusable_reason is null as is_usable
    from final
)

select * from flagged
