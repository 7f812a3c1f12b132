"""A fake KoboToolbox on 127.0.0.1 (http.server in a thread, port 0) serving the recorded API
v2 responses in tests/fixtures/kobo, two pages at a time, and refusing a wrong token (401)."""

import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from groups.models import District
from rmp_portal.kobo.models import FieldMapping, KoboForm
from tests import factories

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kobo"
RECORDED_HOST = "https://kf.kobotoolbox.org"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
PAGE_SIZE = 2  # the recorded pages' `limit`
MEMBER_MAPPING = {
    "group_member/surname": "surname",
    "group_member/given_name": "given_name",
    "group_member/sex": "sex",
    "group_member/birth_year": "birth_year",
    "group_member/phone": "phone",
    "group_member/role": "role",
    "shg_code": "group",
    "joined": "joined_on",
}
GROUP_MAPPING = {
    "shg/name": "name",
    "shg/district": "district",
    "shg/village": "village",
    "shg/established": "established_on",
}


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeKobo:
    def __init__(self):
        self.url = ""
        self.pages: dict[str, list[str]] = {
            "aKoboMembers1": ["members_page1.json", "members_page2.json"],
            "aKoboGroups01": ["groups_page1.json"],
        }
        self.requests: list[dict] = []
        self.delay = 0.0

    def answer(self, path: str, query: dict, authorization: str):
        self.requests.append({"path": path, "query": query, "authorization": authorization})
        if self.delay:
            time.sleep(self.delay)
        if authorization != f"Token {TOKEN}":
            return 401, {"detail": "Invalid token."}
        parts = path.strip("/").split("/")
        if len(parts) != 5 or parts[:3] != ["api", "v2", "assets"] or parts[4] != "data":
            return 404, {"detail": "Not found."}
        pages = self.pages.get(parts[3])
        if pages is None or query.get("format") != ["json"]:
            return 404, {"detail": "Not found."}
        index = int(query.get("start", ["0"])[0]) // PAGE_SIZE
        text = (FIXTURES / pages[index]).read_text(encoding="utf-8")
        return 200, json.loads(text.replace(RECORDED_HOST, self.url))


@pytest.fixture
def kobo_server():
    fake = FakeKobo()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            url = urllib.parse.urlsplit(self.path)
            status, body = fake.answer(
                url.path, urllib.parse.parse_qs(url.query), self.headers.get("Authorization", "")
            )
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return port


@pytest.fixture
def group(db):
    group = factories.GroupFactory(name="Bonuvoni Yakhtan")
    assert group.code == "SU-0001"
    return group


@pytest.fixture
def rasht_group(db):
    group = factories.GroupFactory(name="Navbahor", district=District.objects.get(name="Rasht"))
    assert group.code == "RA-0001"
    return group


def make_form(*, user, url: str, kind: str = "members", slug: str | None = None) -> KoboForm:
    mapping = MEMBER_MAPPING if kind == "members" else GROUP_MAPPING
    form = KoboForm.objects.create(
        name=f"RMP {kind} 2024",
        slug=slug or f"rmp-{kind}",
        server_url=url,
        asset_uid="aKoboMembers1" if kind == "members" else "aKoboGroups01",
        api_token=TOKEN,
        kind=kind,
        user=user,
        webhook_secret="s3cret-" + "x" * 20,
    )
    FieldMapping.objects.bulk_create(
        FieldMapping(form=form, kobo_field=path, column=column) for path, column in mapping.items()
    )
    return form


@pytest.fixture
def members_form(officer, group, kobo_server):
    return make_form(user=officer, url=kobo_server.url)
