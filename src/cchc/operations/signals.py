from django.dispatch import Signal

# Sent after an import (or the demo generator) has written operational data and refreshed
# the dossier roll-ups, or after a page has written data an import could have (an inspection).
# kwargs: kind (ImportKind value), run (ImportRun, None for a page's entry), agency_ids
# (set[int]), months (set[date]), years (set[int]). Receivers (the indicator engine) refresh what depends on that data.
operational_data_changed = Signal()
