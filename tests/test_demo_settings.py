"""The demo (`make demo`, config.settings.dev) shows the product's own Vietnamese error
pages: DEBUG is off unless CCHC_DEBUG says otherwise (Django's debug pages are English), and
its static files are served without `collectstatic`. Run in a child process: the settings of a
process are fixed once loaded."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import django, os
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
page = client.get("/khong-co-trang-nay/")
css = client.get("/static/cchc/app.css")
print(settings.DEBUG, page.status_code, "Không tìm thấy trang" in page.content.decode(),
      css.status_code)
"""


def _run(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev", PYTHONPATH=f"{ROOT / 'src'}:{ROOT}", **env
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.split()[-4:]


def test_the_demo_answers_a_missing_page_in_vietnamese_and_serves_its_styles():
    assert _run() == ["False", "404", "True", "200"]


def test_a_developer_can_turn_the_debug_pages_on():
    assert _run(CCHC_DEBUG="1")[0] == "True"
