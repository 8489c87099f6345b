from django.dispatch import Signal

# Sent after an import (or the demo generator) has written operational data and refreshed
# the dossier roll-ups. kwargs: run (ImportRun), agency_ids (set[int]), months (set[date]),
# years (set[int]). Receivers (the indicator engine) refresh what depends on that data.
operational_data_changed = Signal()
