{#-
  Edges from contact records to link keys, each naming the rule that creates it:
  - same_normalised_email: records whose emails normalise to the same address;
  - crm_duplicate_same_name: a CRM contact with no email and a CRM contact of the same
    account with the same full name (a duplicate record in the CRM).
  A key is usable unless it is generic (more records than identity_max_records_per_key)
  or ambiguous (a name key whose records carry two or more different emails); unusable
  keys stay here, flagged with the reason, and never merge anything.
-#}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

email_edges as (
    select
        record_key,
        'email:' || email as link_key,
        'same_normalised_email' as link_rule,
        email
    from contact_records
    where email is not null
),

crm_name_edges as (
    select
        record_key,
        'crm_name:' || crm_account_id || ':' || lower(trim(full_name)) as link_key,
        'crm_duplicate_same_name' as link_rule,
        email
    from contact_records
    where
        source_system = 'salesforce'
        and crm_account_id is not null
        and nullif(trim(full_name), '') is not null
),

all_edges as (
    select * from email_edges
    union all
    select * from crm_name_edges
),

key_stats as (
    select
        link_key,
        count(*) as record_count,
        count(distinct email) as distinct_emails,
        sum(case when email is null then 1 else 0 end) as records_without_email
    from all_edges
    group by link_key
),

final as (
    select
        all_edges.record_key,
        all_edges.link_key,
        all_edges.link_rule,
        key_stats.record_count as key_record_count,
        case
            when key_stats.record_count > {{ var('identity_max_records_per_key') }}
                then 'generic_key_too_many_records'
            when all_edges.link_rule = 'crm_duplicate_same_name' and key_stats.distinct_emails > 1
                then 'ambiguous_name_different_emails'
            when all_edges.link_rule = 'crm_duplicate_same_name' and key_stats.records_without_email = 0
                then 'not_needed_all_records_have_email'
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
