{#-
  CRM pipeline facts per account: live (not deleted) opportunities of every Salesforce
  account in the cluster. Open = not closed. Industry, size and owner come from the
  survivorship picks (int_accounts__survivorship), not from here.
-#}
with

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

account_opportunities as (
    select
        account_clusters.account_id,
        opportunities.opportunity_id,
        opportunities.amount,
        opportunities.close_date,
        opportunities.is_closed,
        opportunities.is_won
    from opportunities
    inner join account_clusters
        on 'salesforce:account:' || opportunities.account_id = account_clusters.record_key
    where not opportunities.is_deleted
),

final as (
    select
        account_id,
        cast(sum(case when not is_closed then 1 else 0 end) as integer) as open_opportunity_count,
        cast(coalesce(sum(case when not is_closed then amount end), 0) as decimal(18, 2))
            as open_opportunity_amount,
        min(case when not is_closed then close_date end) as next_opportunity_close_date,
        cast(sum(case when is_won then 1 else 0 end) as integer) as won_opportunity_count
    from account_opportunities
    group by account_id
)

select * from final
