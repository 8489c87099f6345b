"""Importers by kind. Each module defines one Importer subclass; register it here."""

from cchc.operations.imports.base import Importer
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.imports.procedures import ProcedureImporter

IMPORTERS: dict[str, type[Importer]] = {
    ProcedureImporter.kind: ProcedureImporter,
    DossierImporter.kind: DossierImporter,
}
