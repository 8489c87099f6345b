"""Reading the tables users upload (CSV, XLSX) into typed columns, with every error at its
row and column in Vietnamese: the one import engine of the product (docs/imports.md)."""
