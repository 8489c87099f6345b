"""Importers by kind. Each module defines one Importer subclass; register it here."""

from cchc.operations.imports.base import Importer
from cchc.operations.imports.dossiers import DossierImporter

IMPORTERS: dict[str, type[Importer]] = {
    DossierImporter.kind: DossierImporter,
}
