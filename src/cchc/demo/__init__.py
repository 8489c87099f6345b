"""The demo (`make demo`): the seeded generators of synthetic data and the demo accounts.

Each module generates the demo data of the app it names — `operations.py` a year of catalogue,
dossiers, work records, legal documents, inspections and systems through the real importers;
`parindex.py` a PAR INDEX year through the real workflow; `plans.py` the plan in motion
(assignments and progress reports) — and `management/commands/` runs them: `seed_demo` (the
demo accounts), `generate_demo_data`, `generate_demo_parindex`, `create_illustrative_plan`,
`generate_demo_tasks`. The app sits on top of the layers: it may import any app, and no app
imports it (tests/test_layers.py). What the product itself needs to tell synthetic data apart
(the `synthetic`/`illustrative` flags, the refusal to publish it, the badges) stays in the
apps that own it."""
