"""Write the whole open-data catalogue to a directory, as a ministry's harvester or a mirror
takes it: catalog.jsonld, then per year every published table in every format and the
dossier facts as Parquet partitions (docs/open-data.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from cchc.portal.opendata import catalogue, dossiers, files
from cchc.portal.opendata.tables import TABLES, build, published_years


class Command(BaseCommand):
    help = "Xuất toàn bộ dữ liệu mở đã công bố ra một thư mục (danh mục DCAT, bảng, hồ sơ)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Thư mục ghi dữ liệu mở.")

    def handle(self, *args, out: str, **options):
        root = Path(out)
        try:
            root.mkdir(parents=True, exist_ok=True)
            (probe := root / ".cchc-ghi-thu").write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            why = (
                "không có quyền ghi" if isinstance(exc, PermissionError)
                else "đó là một tệp, không phải thư mục" if isinstance(exc, FileExistsError)
                else "trong đường dẫn có một tệp ở chỗ của thư mục"
                if isinstance(exc, NotADirectoryError)
                else "không tạo được thư mục ở đường dẫn này"
            )  # fmt: skip
            raise CommandError(
                f"Không ghi được dữ liệu mở vào “{root}”: {why}. Hãy chọn thư mục khác."
            ) from exc
        base = files.site_url()

        def absolute(path: str) -> str:
            return base + path

        for year in published_years():
            folder = root / str(year)
            for table in TABLES.values():
                built = build(table, year)
                if built is None:
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                for fmt in files.FORMATS:
                    url = absolute(catalogue.table_path(year, table.slug, fmt))
                    content = files.render(table, year, built, fmt, url)
                    (folder / f"{table.slug}.{fmt}").write_bytes(content)
                self.stdout.write(f"{year}/{table.slug}: {built.frame.height} dòng")
            rows = dossiers.write_partitions(
                year, folder / dossiers.SLUG, url=absolute(catalogue.dossiers_path(year))
            )
            if rows:
                self.stdout.write(f"{year}/{dossiers.SLUG}: {rows} hồ sơ")
        items = catalogue.datasets(absolute)
        url = absolute(reverse("portal:opendata_catalogue"))
        document = catalogue.jsonld(items, catalogue_url=url)
        (root / "catalog.jsonld").write_text(
            json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {len(items)} bộ dữ liệu vào {root}."))
