{#
    The lineage tail of every staging model over a landing source: where each row came from.
    source_row is the row's number in its file, record_hash the hash of its content, batch_id
    the load (one landed file; see stg_ledger__batches) and loaded_at when it landed. Staging
    keeps every version of every record, so batch_id + source_row is the key of a staging row.
#}
{% macro lineage_columns() -%}
        cast(_row as bigint) as source_row,
        _record_hash as record_hash,
        _batch_id as batch_id,
        cast(_loaded_at as timestamp) as loaded_at
{%- endmacro %}
