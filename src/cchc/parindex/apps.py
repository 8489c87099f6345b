from django.apps import AppConfig


class ParIndexConfig(AppConfig):
    name = "cchc.parindex"
    verbose_name = "Chỉ số cải cách hành chính (PAR INDEX)"

    def ready(self) -> None:
        from cchc.indicators.records import provide_listing
        from cchc.indicators.registry import provide_extractor
        from cchc.parindex.coverage import (
            CODE,
            LISTING,
            par_index_coverage,
            par_index_records,
            par_index_through,
        )

        provide_extractor(
            CODE, par_index_coverage, records=par_index_records, data_through=par_index_through
        )
        provide_listing("par_index", LISTING)

        from cchc.inspections import selectors as inspection_selectors
        from cchc.parindex.selectors import published_index

        inspection_selectors.par_index_source.supply(published_index)
