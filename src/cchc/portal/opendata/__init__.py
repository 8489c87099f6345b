"""Open data (dữ liệu mở, issue 18): what the reform office has published, as files anyone may
download and reuse — CSV, XLSX, JSON and Parquet per table and year, a data dictionary per
table, a DCAT catalogue, and the dossier-level facts as Parquet partitioned by year and month.

Everything here reads releases (`Release.objects.public()`), never the working tables behind
them, except two registers that are public by nature and are served only for a year that has
a public release: the agency list (its public fields) and the dossier facts of the months a
public FIGURES release covers (without any personal data). Synthetic (demo) data never appear:
the services refuse to publish it, and the dossier facts leave out every synthetic import run.

- `tables`: the five tables, their columns and meanings (the data dictionary), built per year;
- `files`: one table written as CSV (UTF-8 with BOM), XLSX, JSON or Parquet, each with the
  licence and the dictionary inside;
- `dossiers`: the dossier facts streamed in chunks into hive partitions and zipped per year;
- `catalogue`: the DCAT catalogue (JSON-LD) of every published table, year and format.

How to use the files and recompute the targets with DuckDB alone: docs/open-data.md."""
