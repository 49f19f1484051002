"""The raw-export contract: tables and columns as the standard ELT connectors land them.

One entry per raw file (`<system>/<table>.<csv|parquet>`), columns in file order.
The generator writes exactly these columns; the dbt sources declare exactly these tables.
Real loads carry more columns than we read: staging selects by name and ignores the rest.
"""

from __future__ import annotations

RAW_TABLES: dict[str, dict[str, list[str]]] = {
    "salesforce": {
        "account": [
            "id", "name", "website", "industry", "type", "number_of_employees",
            "annual_revenue", "billing_street", "billing_city", "billing_state",
            "billing_postal_code", "billing_country", "phone", "owner_id", "parent_id",
            "description", "created_date", "last_modified_date", "is_deleted",
            "_fivetran_synced",
        ],
        "contact": [
            "id", "account_id", "email", "first_name", "last_name", "name", "title",
            "department", "phone", "mobile_phone", "owner_id", "has_opted_out_of_email",
            "do_not_call", "mailing_city", "mailing_country", "lead_source",
            "created_date", "last_modified_date", "is_deleted", "_fivetran_synced",
        ],
        "user": [
            "id", "username", "email", "first_name", "last_name", "name", "title",
            "department", "user_role_id", "manager_id", "is_active", "time_zone_sid_key",
            "created_date", "last_modified_date", "_fivetran_synced",
        ],
        "user_role": [
            "id", "name", "developer_name", "parent_role_id", "rollup_description",
            "last_modified_date", "_fivetran_synced",
        ],
        "opportunity": [
            "id", "account_id", "owner_id", "name", "type", "stage_name", "amount",
            "probability", "close_date", "is_closed", "is_won", "lead_source",
            "forecast_category", "created_date", "last_modified_date", "is_deleted",
            "_fivetran_synced",
        ],
        "task": [
            "id", "who_id", "what_id", "account_id", "owner_id", "subject", "type",
            "task_subtype", "status", "priority", "activity_date", "completed_date_time",
            "call_type", "call_duration_in_seconds", "description", "created_date",
            "last_modified_date", "is_deleted", "_fivetran_synced",
        ],
    },
    "stripe": {
        "customer": [
            "id", "email", "name", "description", "phone", "address_line_1",
            "address_city", "address_state", "address_postal_code", "address_country",
            "currency", "balance", "delinquent", "invoice_prefix", "metadata", "created",
            "is_deleted", "livemode", "_fivetran_synced",
        ],
        "price": [
            "id", "product_id", "nickname", "unit_amount", "currency", "type",
            "recurring_interval", "recurring_interval_count", "billing_scheme", "active",
            "created", "livemode", "_fivetran_synced",
        ],
        "subscription": [
            "id", "customer_id", "status", "collection_method", "cancel_at_period_end",
            "billing_cycle_anchor", "current_period_start", "current_period_end",
            "start_date", "trial_start", "trial_end", "canceled_at", "ended_at",
            "created", "metadata", "livemode", "_fivetran_synced",
        ],
        "subscription_item": [
            "id", "subscription_id", "price_id", "quantity", "created", "metadata",
            "_fivetran_synced",
        ],
        "invoice": [
            "id", "customer_id", "subscription_id", "number", "status", "billing_reason",
            "collection_method", "currency", "amount_due", "amount_paid",
            "amount_remaining", "subtotal", "tax", "total", "attempt_count", "attempted",
            "paid", "customer_email", "customer_name", "period_start", "period_end",
            "due_date", "created", "is_deleted", "livemode", "_fivetran_synced",
        ],
        "charge": [
            "id", "customer_id", "invoice_id", "amount", "amount_refunded", "currency",
            "status", "paid", "captured", "refunded", "failure_code", "failure_message",
            "receipt_email", "description", "created", "livemode", "_fivetran_synced",
        ],
    },
    "hubspot": {
        "contact": [
            "id", "property_email", "property_firstname", "property_lastname",
            "property_jobtitle", "property_company", "property_website",
            "property_phone", "property_country", "property_lifecyclestage",
            "property_hs_lead_status", "property_hs_email_optout",
            "property_hubspot_owner_id", "property_createdate", "property_lastmodifieddate",
            "is_deleted", "_fivetran_deleted", "_fivetran_synced",
        ],
        "email_campaign": [
            "id", "app_id", "app_name", "content_id", "name", "subject", "type",
            "num_included", "num_queued", "_fivetran_synced",
        ],
        "email_event": [
            "id", "created", "email_campaign_id", "recipient", "type", "sent_by_id",
            "sent_by_created", "caused_by_id", "caused_by_created", "portal_id",
            "app_id", "filtered_event", "_fivetran_synced",
        ],
        "email_event_sent": [
            "id", "from", "subject", "reply_to", "cc", "bcc", "_fivetran_synced",
        ],
        "email_event_status_change": [
            "id", "source", "requested_by", "portal_subscription_status", "subscriptions",
            "bounced", "change_type", "_fivetran_synced",
        ],
    },
    "zendesk": {
        "organization": [
            "id", "name", "domain_names", "external_id", "details", "notes", "group_id",
            "shared_tickets", "shared_comments", "created_at", "updated_at",
            "_fivetran_deleted", "_fivetran_synced",
        ],
        "user": [
            "id", "email", "name", "role", "organization_id", "phone", "time_zone",
            "iana_time_zone", "locale", "active", "suspended", "verified",
            "external_id", "created_at", "updated_at", "last_login_at",
            "_fivetran_deleted", "_fivetran_synced",
        ],
        "group": [
            "id", "name", "description", "is_public", "deleted", "created_at",
            "updated_at", "_fivetran_deleted", "_fivetran_synced",
        ],
        "ticket": [
            "id", "external_id", "subject", "description", "type", "priority", "status",
            "requester_id", "submitter_id", "assignee_id", "organization_id",
            "group_id", "via_channel", "satisfaction_rating_score",
            "satisfaction_rating_comment", "due_at", "created_at", "updated_at",
            "_fivetran_deleted", "_fivetran_synced",
        ],
        "ticket_comment": [
            "id", "ticket_id", "user_id", "public", "body", "via_channel", "created",
            "_fivetran_deleted", "_fivetran_synced",
        ],
    },
}

# Contact-like and account-like source records, as (system, table): the identity
# resolution maps every record of these tables and the generator's truth covers them.
CONTACT_LIKE = [
    ("salesforce", "contact"),
    ("hubspot", "contact"),
    ("zendesk", "user"),  # end-users only; agents/admins are staff
    ("stripe", "customer"),  # the billing contact behind a customer
]
ACCOUNT_LIKE = [
    ("salesforce", "account"),
    ("stripe", "customer"),
    ("zendesk", "organization"),
]
