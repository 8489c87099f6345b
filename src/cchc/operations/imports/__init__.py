"""Importers by kind. Each module defines one Importer subclass; register it here. The order
is the order of the upload form: the catalogue first, since dossiers and statistics name
its procedures."""

from cchc.operations.imports.base import Importer
from cchc.operations.imports.dossier_stats import DossierStatsImporter
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.imports.inspections import InspectionImporter
from cchc.operations.imports.legal_documents import LegalDocumentImporter
from cchc.operations.imports.procedures import ProcedureImporter
from cchc.operations.imports.reorganisation import ReorganisationImporter
from cchc.operations.imports.systems import SystemImporter
from cchc.operations.imports.work_records import WorkRecordImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        ProcedureImporter,
        DossierImporter,
        DossierStatsImporter,
        WorkRecordImporter,
        LegalDocumentImporter,
        InspectionImporter,
        SystemImporter,
        ReorganisationImporter,
    )
}
