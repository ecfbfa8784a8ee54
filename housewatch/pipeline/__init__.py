"""Pipeline steps the CLI orchestrates: dbt build and publish (load lives in ingest/)."""
