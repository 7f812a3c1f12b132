"""A fake DHIS2 on 127.0.0.1 (http.server in a thread), and a small registry to export."""

import base64
import datetime
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from cooperatives.models import Cooperative
from groups.models import District
from members.models import Member
from rmp_portal.dhis2.models import OrgUnit
from tests.factories import CooperativeFactory, GroupFactory, MemberFactory, district
from tests.initiatives.factories import SupportFactory

USERNAME, PASSWORD = "rmp-export", "s3cret-pass"
CONFLICT = {"object": "XYZ", "value": "Data element not found"}


class FakeDhis2:
    """Records every POST to /api/dataValueSets (query string and body) and answers with
    DHIS2's import summary. A test changes how it answers through the attributes."""

    def __init__(self):
        self.received: list[dict] = []
        self.conflicts_on_dry_run = False
        self.conflicts_always = False
        self.html = False  # answer a login page instead of JSON
        self.delay = 0.0
        self.legacy = False  # the bare summary of DHIS2 before 2.38
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, query: dict, body: dict) -> tuple[int, dict]:
        values = len(body.get("dataValues", []))
        dry_run = query.get("dryRun") == ["true"]
        if self.conflicts_always or (self.conflicts_on_dry_run and dry_run):
            summary = {
                "responseType": "ImportSummary",
                "status": "WARNING",
                "importCount": {"imported": values - 1, "updated": 0, "ignored": 1, "deleted": 0},
                "conflicts": [CONFLICT],
            }
            status, http = 409, "Conflict"
        else:
            summary = {
                "responseType": "ImportSummary",
                "status": "SUCCESS",
                "importCount": {"imported": values, "updated": 0, "ignored": 0, "deleted": 0},
                "conflicts": [],
            }
            status, http = 200, "OK"
        if self.legacy:
            return 200, summary
        return status, {
            "httpStatus": http,
            "httpStatusCode": status,
            "status": "OK" if status == 200 else "WARNING",
            "response": summary,
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, content: bytes, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_POST(self):
                url = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                query = parse_qs(url.query)
                fake.received.append(
                    {
                        "path": url.path,
                        "query": query,
                        "body": json.loads(raw or b"{}"),
                        "authorization": self.headers.get("Authorization", ""),
                    }
                )
                if fake.delay:
                    time.sleep(fake.delay)
                expected = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    unauthorized = {"httpStatus": "Unauthorized", "httpStatusCode": 401}
                    self._send(401, json.dumps(unauthorized).encode())
                    return
                if url.path != "/api/dataValueSets":
                    self._send(404, b'{"httpStatus":"Not Found","httpStatusCode":404}')
                    return
                if fake.html:
                    self._send(200, b"<html><body>Login</body></html>", "text/html")
                    return
                status, answer = fake.answer(query, fake.received[-1]["body"])
                self._send(status, json.dumps(answer).encode())

        return Handler

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def dhis2(settings):
    """The fake DHIS2, with the settings pointing at it."""
    fake = FakeDhis2()
    fake.thread.start()
    settings.DHIS2_URL = fake.url + "/"
    settings.DHIS2_USERNAME = USERNAME
    settings.DHIS2_PASSWORD = PASSWORD
    settings.DHIS2_TIMEOUT = 5
    yield fake
    fake.stop()


ORG_UNITS = {"Devashtich": "OU_DEV", "Asht": "OU_ASHT", "Rasht": "OU_RASHT"}


@pytest.fixture
def codes(db):
    """Org unit codes for three districts; the other districts have none."""
    for name, code in ORG_UNITS.items():
        OrgUnit.objects.update_or_create(district=district(name), defaults={"code": code})
    return ORG_UNITS


@pytest.fixture
def registry(db):
    """Groups, members, cooperatives and support around 2026Q3 (July to September) in
    Devashtich and Asht (Sughd) and Rasht (Rasht Valley)."""
    day = datetime.date
    devashtich, asht, rasht = district("Devashtich"), district("Asht"), district("Rasht")
    dev_a = GroupFactory(district=devashtich, established_on=day(2015, 1, 1))
    dev_b = GroupFactory(district=devashtich, established_on=day(2026, 8, 10))
    # Dissolved within the quarter: not a group on its last day.
    GroupFactory(
        district=devashtich,
        established_on=day(2014, 1, 1),
        dissolved_on=day(2026, 9, 1),
        status="dissolved",
    )
    # Established after the quarter: not counted.
    GroupFactory(district=devashtich, established_on=day(2026, 10, 5))
    asht_a = GroupFactory(district=asht, established_on=day(2016, 4, 1))
    rasht_a = GroupFactory(district=rasht, established_on=day(2017, 5, 1))

    female, male = Member.Sex.FEMALE, Member.Sex.MALE
    for _n in range(3):
        MemberFactory(group=dev_a, joined_on=day(2015, 1, 1))
    MemberFactory(group=dev_a, sex=male, joined_on=day(2016, 1, 1))
    MemberFactory(group=dev_b, joined_on=day(2026, 8, 10))
    # Left within the quarter, and joined after it: neither is a member on 30 September.
    MemberFactory(group=dev_a, joined_on=day(2015, 1, 1), left_on=day(2026, 9, 15))
    MemberFactory(group=dev_b, joined_on=day(2026, 10, 2))
    # Left the day after the quarter: still a member on its last day.
    MemberFactory(group=asht_a, sex=female, joined_on=day(2016, 4, 1), left_on=day(2026, 10, 1))
    MemberFactory(group=asht_a, sex=male, joined_on=day(2016, 4, 1))
    MemberFactory(group=rasht_a, joined_on=day(2017, 5, 1))
    MemberFactory(group=rasht_a, joined_on=day(2017, 5, 1))

    guncha = CooperativeFactory(district=devashtich, formed_on=day(2020, 1, 1))
    CooperativeFactory(district=asht, formed_on=day(2026, 11, 1))  # after the quarter
    CooperativeFactory(
        district=rasht,
        formed_on=day(2019, 1, 1),
        dissolved_on=day(2026, 7, 1),
        status=Cooperative.Status.DISSOLVED,
    )
    CooperativeFactory(district=rasht, formed_on=day(2021, 1, 1))

    # Support: within the quarter (to groups, to a cooperative), before it and after it.
    SupportFactory(held_on=day(2026, 7, 15), groups=[dev_a], women=12, men=2)
    SupportFactory(held_on=day(2026, 9, 30), groups=[asht_a, dev_a], women=5, men=1)
    SupportFactory(
        held_on=day(2026, 8, 20), recipient="cooperative", cooperative=guncha, women=7, men=3
    )
    SupportFactory(held_on=day(2026, 6, 30), groups=[rasht_a], women=40, men=0)
    SupportFactory(held_on=day(2026, 10, 1), groups=[rasht_a], women=30, men=9)
    SupportFactory(held_on=day(2026, 8, 1), groups=[rasht_a], women=4, men=0)
    return {"devashtich": devashtich, "asht": asht, "rasht": rasht, "groups": [dev_a, asht_a]}


def other_districts() -> list[str]:
    return sorted(District.objects.exclude(name__in=ORG_UNITS).values_list("name", flat=True))


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
