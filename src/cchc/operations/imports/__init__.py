"""Importers by kind. Each module here defines one Importer subclass, listed below; an app
above this one registers its own kinds with `register` from its AppConfig.ready() (the
inspections of the `inspections` app, the published Decision 766 figures of the `national`
app), so that this app imports none above it. The order is the order of the upload form,
the order of `ImportKind`: the catalogue first, since dossiers and statistics name its
procedures."""

from cchc.operations.imports.base import Importer
from cchc.operations.imports.dossier_stats import DossierStatsImporter
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.imports.legal_documents import LegalDocumentImporter
from cchc.operations.imports.procedures import ProcedureImporter
from cchc.operations.imports.reorganisation import ReorganisationImporter
from cchc.operations.imports.systems import SystemImporter
from cchc.operations.imports.work_records import WorkRecordImporter
from cchc.operations.models import ImportKind

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        ProcedureImporter,
        DossierImporter,
        DossierStatsImporter,
        WorkRecordImporter,
        LegalDocumentImporter,
        SystemImporter,
        ReorganisationImporter,
    )
}


def register(importer: type[Importer]) -> None:
    """Add an import kind of an app above this one (called from its AppConfig.ready()). Its
    `kind` must be a value of `models.ImportKind`, the run's stored kind; it takes its place
    in the form in the order of `ImportKind`."""
    IMPORTERS[importer.kind] = importer
    order = list(ImportKind.values)
    ordered = sorted(IMPORTERS.items(), key=lambda item: order.index(item[0]))
    IMPORTERS.clear()
    IMPORTERS.update(ordered)
