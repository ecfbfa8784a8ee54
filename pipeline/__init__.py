"""The pipeline the CLI orchestrates, above ingest and dbt: load files, check the seeds, dbt build,
publish the serving database, report status."""
