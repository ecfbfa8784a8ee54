{#
    The rows of one landing source that the build may read: those of batches the load ledger
    committed (status 'loaded'). A load killed between renaming its partition into place and
    committing it leaves files the ledger never vouched for; they are invisible here even before
    the next run removes them. The zero-row 'empty' partition is never in the ledger.
#}
{% macro committed_rows(table_name) -%}
    select * from {{ source('landing', table_name) }}
    where batch_id in (
        select batch_id from {{ source('landing', 'ledger_batches') }}
        where status = 'loaded'
    )
{%- endmacro %}

{#
    Vintages outlive full rebuilds, so one built from a batch the ledger no longer commits (data
    a killed load left behind, in a warehouse built before the ledger guarded every read) is
    dropped before the next vintage is added.
#}
{% macro drop_uncommitted_vintages() -%}
    {% if is_incremental() %}
    delete from {{ this }}
    where vintage not in (
        select batch_id from {{ source('landing', 'ledger_batches') }}
        where status = 'loaded'
    )
    {% endif %}
{%- endmacro %}
