with

source as (
    {{ loaded_raw('salesforce', 'user_role') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as user_role_id,
        {{ as_text('parent_role_id') }} as parent_role_id,
        -- dimensions
        {{ as_text('name') }} as role_name,
        {{ as_text('developer_name') }} as developer_name
    from source
)

select * from renamed
