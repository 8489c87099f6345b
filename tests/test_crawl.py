"""Every link a user is shown leads somewhere. From the home page, each role follows every
same-site link of the pages it reaches — drill-downs, lists, Excel exports — on the demo's
data, smaller (a PAR INDEX assessed and published, two years of dossiers), and none answers
with a server error, a "not found" or a refusal: a link the page offers is a link the user
may open. (The dossier list's Excel failed on every list that held a dossier until a crawl
like this one met it; it catches that failure again if the fix is undone.)"""

import re
from io import StringIO
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cchc.demo.operations import generate

pytestmark = pytest.mark.django_db

MAX_PAGES = 400  # per role
# Links followed per shape: the path with its numbers blanked and the names of the query's
# parameters ("/chi-tieu/4/ban-ghi/?co_quan=…&xuat=xlsx"); 134 agencies' pages of one kind
# would otherwise crowd out every other kind.
MAX_VARIANTS = 3
SKIP = re.compile(r"^/(static|media)/|dang-xuat")
HREF = re.compile(r'href="([^"#]*)"')
DIGITS = re.compile(r"\d+")
# Template syntax that reached the page as text (a `{# … #}` comment over two lines renders).
LEAK = re.compile(r"\{[%#{]|[%#}]\}")
SCRIPTS = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL)


def crawl(client) -> tuple[int, list[tuple[int, str, str]]]:
    """Pages reached, and the links that failed: (status, link, page it was found on)."""
    queue, seen, variants, failed = [("/", "")], set(), {}, []
    while queue and len(seen) < MAX_PAGES:
        link, found_on = queue.pop(0)
        if link in seen:
            continue
        seen.add(link)
        response = client.get(link)
        if response.status_code not in (200, 301, 302):
            failed.append((response.status_code, link, found_on))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        text = SCRIPTS.sub("", body)  # scripts may hold braces of their own
        if leak := LEAK.search(text):
            failed.append(
                (0, f"{link} shows {text[leak.start() - 40 : leak.end() + 40]!r}", found_on)
            )
        for href in HREF.findall(body):
            target = urlparse(urljoin(link, href.replace("&amp;", "&")))
            if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
                continue
            if SKIP.search(target.path):
                continue
            following = target.path + (f"?{target.query}" if target.query else "")
            if following in seen:
                continue
            shape = (DIGITS.sub("#", target.path), tuple(sorted(parse_qs(target.query))))
            if variants.get(shape, 0) >= MAX_VARIANTS:
                continue
            variants[shape] = variants.get(shape, 0) + 1
            queue.append((following, link))
    return len(seen), failed


DEMO_ACCOUNTS = ("vanphong.cchc", "lanhdao", "thamdinh", "so.tuphap", "huyen.tamduong", "xa.banbo")


def test_every_link_shown_to_every_role_opens(client):
    """The demo's accounts (one per role) on the demo's data, smaller."""
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("seed_demo", **quiet)
    call_command("load_frameworks", **quiet)
    call_command("generate_demo_parindex", **quiet)
    generate(seed=2021, year=2021, dossiers=800)  # the baseline year growth targets link to
    generate(seed=2022, year=2022, dossiers=1500)
    client.raise_request_exception = False  # a server error is a failed link, reported below
    for username in DEMO_ACCOUNTS:
        client.force_login(get_user_model().objects.get(username=username))
        reached, failed = crawl(client)
        assert reached > 20, username  # the crawl got past the home page
        assert failed == [], username
        client.logout()
