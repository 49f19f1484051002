{#-
  The account of each contact: candidates from every system, strongest rule first
  (the CRM contact's account, the Stripe customer the person is billing contact of, the
  Zendesk organization, the business email domain, the company name typed into HubSpot).
  The strongest rule wins; within a rule, the account most of the person's records point
  to; ties go to the smallest account_id so the choice is stable.
-#}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

account_edges as (
    select * from {{ ref('int_identity__account_edges') }}
),

free_email_domains as (
    select * from {{ ref('free_email_domains') }}
),

contacts as (
    select
        contact_records.*,
        contact_clusters.contact_id,
        {{ email_domain('contact_records.email') }} as email_domain
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
),

-- fuzzy keys that identify exactly one account cluster
unique_account_keys as (
    select
        account_edges.link_key,
        min(account_clusters.account_id) as account_id
    from account_edges
    inner join account_clusters
        on account_edges.record_key = account_clusters.record_key
    where account_edges.is_usable and account_edges.link_rule in ('same_domain', 'same_normalised_name')
    group by account_edges.link_key
    having count(distinct account_clusters.account_id) = 1
),

candidates as (
    select
        contacts.contact_id,
        account_clusters.account_id,
        'crm_contact_account' as account_link_rule,
        1 as rule_priority
    from contacts
    inner join account_clusters
        on 'salesforce:account:' || contacts.crm_account_id = account_clusters.record_key
    where contacts.source_system = 'salesforce' and not contacts.is_deleted

    union all

    select
        contacts.contact_id,
        account_clusters.account_id,
        'billing_contact_of_customer' as account_link_rule,
        2 as rule_priority
    from contacts
    inner join account_clusters
        on 'stripe:customer:' || contacts.stripe_customer_id = account_clusters.record_key
    where contacts.source_system = 'stripe'

    union all

    select
        contacts.contact_id,
        account_clusters.account_id,
        'support_user_organization' as account_link_rule,
        3 as rule_priority
    from contacts
    inner join account_clusters
        on 'zendesk:organization:' || contacts.zendesk_organization_id = account_clusters.record_key
    where contacts.source_system = 'zendesk'

    union all

    select
        contacts.contact_id,
        unique_account_keys.account_id,
        'email_domain_to_account' as account_link_rule,
        4 as rule_priority
    from contacts
    left join free_email_domains
        on contacts.email_domain = free_email_domains.domain
    inner join unique_account_keys
        on 'domain:' || contacts.email_domain = unique_account_keys.link_key
    where free_email_domains.domain is null

    union all

    select
        contacts.contact_id,
        unique_account_keys.account_id,
        'company_name_to_account' as account_link_rule,
        5 as rule_priority
    from contacts
    inner join unique_account_keys
        on 'name:' || contacts.company_name_normalised = unique_account_keys.link_key
),

votes as (
    select
        contact_id,
        account_id,
        account_link_rule,
        rule_priority,
        count(*) as vote_count
    from candidates
    group by contact_id, account_id, account_link_rule, rule_priority
),

ranked as (
    select
        *,
        row_number() over (
            partition by contact_id
            order by rule_priority asc, vote_count desc, account_id asc
        ) as candidate_rank
    from votes
),

final as (
    select
        contact_id,
        account_id,
        account_link_rule
    from ranked
    where candidate_rank = 1
)

select * from final
