"""Load and fault run (docs/reliability.md), bounded and loopback-only:

    .venv/bin/python tests/reliability/load.py [--seconds 60] [--officers 20] [--restart-db]

Sets up a scratch PostgreSQL database (rmp_load) with the demo data and 20 field officers,
starts gunicorn (4 workers, production settings) on 127.0.0.1, and runs the officers for the
given time: each signs in, adds members, edits groups, records departures and reads the
registries. The script keeps its own log of every write the server acknowledged and compares
it with the database afterwards. With --restart-db it stops PostgreSQL for 10 s in the middle
of the run and measures the 503 answers and the recovery. Prints a JSON report.
"""

import argparse
import http.cookiejar
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DB_NAME = "rmp_load"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PORT = int(os.environ.get("LOAD_PORT", "18765"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "Load-test-officer-42"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')


def env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": "rmp_portal.settings.production",
        "SECRET_KEY": "load-test-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "CONN_MAX_AGE": "60",
        "DB_CONNECT_TIMEOUT": "2",
    }


def manage(*args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env(), check=True, **kwargs)


SETUP = f"""
from django.contrib.auth import get_user_model
from groups.models import District, SelfHelpGroup
from rmp_portal.models import StaffProfile
districts = list(District.objects.filter(groups__isnull=False).distinct().order_by("name"))
User = get_user_model()
for i in range(%(officers)d):
    user, _ = User.objects.get_or_create(username=f"load-officer-{{i}}")
    user.set_password("{PASSWORD}"); user.save()
    profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={{"role": "field_officer"}})
    profile.districts.set([districts[i % len(districts)]])
    codes = list(SelfHelpGroup.objects.filter(district=districts[i % len(districts)]).values_list("code", flat=True)[:5])
    print("OFFICER", user.username, ",".join(codes))
"""


def setup(officers: int, static_root: str) -> dict[str, list[str]]:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    manage("migrate", "-v0")
    manage("load_demo_data", "--force", stdout=subprocess.DEVNULL)
    script = SETUP.replace("%(officers)d", str(officers))
    out = manage("shell", "-c", script, capture_output=True, text=True)
    result = {}
    for line in out.stdout.splitlines():
        if line.startswith("OFFICER"):
            _, name, codes = line.split(" ", 2)
            result[name] = codes.split(",")
    os.environ["STATIC_ROOT"] = static_root
    manage("collectstatic", "--noinput", "-v0")
    return result


class Officer(threading.Thread):
    def __init__(self, name, codes, deadline, report, lock):
        super().__init__(daemon=True)
        self.name_, self.codes, self.deadline = name, codes, deadline
        self.report, self.lock = report, lock
        # Production cookies are Secure; on this loopback run plain http stands in for https.
        jar = http.cookiejar.CookieJar(
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )
        self.counter = 0

    def request(self, method, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(BASE + path, data=body, method=method)
        req.add_header("Referer", BASE + path)
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
                location = response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            status, text, location = error.code, error.read().decode("utf-8", "replace"), ""
            location = error.headers.get("Location", "") if error.headers else ""
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            status, text, location = 0, str(error), ""
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.report["requests"].append((time.time(), status, elapsed, path.split("?")[0]))
        return status, text, location

    def token(self, path):
        status, text, _ = self.request("GET", path)
        match = TOKEN.search(text)
        return status, text, (match.group(1) if match else "")

    def run(self):
        _, _, csrf = self.token("/accounts/login/")
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": self.name_, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
        if status != 302:
            with self.lock:
                self.report.setdefault("sign_in_failures", []).append(self.name_)
            return
        added = []
        while time.time() < self.deadline:
            code = self.codes[self.counter % len(self.codes)]
            self.counter += 1
            # Add a member; the surname is unique to this write.
            surname = f"Loadova{self.name_[-2:].strip('-')}x{self.counter}"
            status, _, csrf = self.token(f"/members/new/?group={code}")
            if csrf:
                status, _, location = self.request(
                    "POST",
                    f"/members/new/?group={code}",
                    {
                        "csrfmiddlewaretoken": csrf,
                        "group": code,
                        "surname": surname,
                        "given_name": "Zebo",
                        "sex": "F",
                        "role": "member",
                        "joined_on": "2020-01-15",
                        "migration_link": "none",
                        "confirm_not_duplicate": "on",
                    },
                )
                with self.lock:
                    self.report["attempted"].add(surname)
                if status == 302:
                    with self.lock:
                        self.report["acknowledged_members"].add(surname)
                    added.append(surname)
            # Edit the group (a stale refusal is a correct answer, not an error).
            status, text, csrf = self.token(f"/groups/{code}/edit/")
            version = VERSION.search(text)
            if csrf and version:
                fields = dict(re.findall(r'name="(village|name)"[^>]*value="([^"]*)"', text))
                district = re.search(r'<option value="(\d+)" selected', text)
                self.request(
                    "POST",
                    f"/groups/{code}/edit/",
                    {
                        "csrfmiddlewaretoken": csrf,
                        "version": version.group(1),
                        "name": fields.get("name", "Group"),
                        "village": f"Village {self.counter}",
                        "district": district.group(1) if district else "",
                        "established_on": "2012-03-01",
                        "status": "active",
                    },
                )
            # Read the registries.
            self.request("GET", "/groups/?status=active")
            self.request("GET", f"/members/?q={surname[:6]}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def verify(report) -> dict:
    code = (
        "import json; from members.models import Member; "
        "print('ROWS' + json.dumps(sorted(Member.objects.filter(surname__startswith='Loadova')"
        ".values_list('surname', flat=True))))"
    )
    out = manage("shell", "-c", code, capture_output=True, text=True).stdout
    rows = json.loads(out.split("ROWS", 1)[1])
    acknowledged = report["acknowledged_members"]
    return {
        "acknowledged_writes": len(acknowledged),
        "rows_found": len(rows),
        "acknowledged_missing": sorted(acknowledged - set(rows)),
        "rows_never_attempted": sorted(set(rows) - report["attempted"]),
        "duplicate_rows": len(rows) - len(set(rows)),
    }


def restart_database(report, after: float, down: float):
    time.sleep(after)
    version = sorted(os.listdir("/etc/postgresql"))[0]
    report["db_stopped_at"] = time.time()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop",
                    "-m", "fast"], check=True)  # fmt: skip
    time.sleep(down)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                   check=True)  # fmt: skip
    report["db_started_at"] = time.time()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--restart-db", action="store_true")
    args = parser.parse_args()
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"port {PORT} is in use: set LOAD_PORT to a free port")
    static_root = tempfile.mkdtemp(prefix="rmp-load-static-")
    officers = setup(args.officers, static_root)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "rmp_portal.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
        ],  # fmt: skip
        cwd=ROOT,
        env={**env(), "STATIC_ROOT": static_root},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = time.time()
        while True:
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=5)
                break
            except OSError:  # refused, reset or timed out while gunicorn starts
                if time.time() - started > 60:
                    raise
                time.sleep(0.5)
        worker_pids_before = _worker_pids(server.pid)
        report = {"requests": [], "acknowledged_members": set(), "attempted": set()}
        lock = threading.Lock()
        deadline = time.time() + args.seconds
        threads = [Officer(n, c, deadline, report, lock) for n, c in officers.items()]
        faults = None
        if args.restart_db:
            faults = threading.Thread(
                target=restart_database, args=(report, args.seconds / 3, 10), daemon=True
            )
            faults.start()
            health = threading.Thread(target=_watch_health, args=(report, deadline), daemon=True)
            health.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        if faults:
            faults.join(timeout=60)
        worker_pids_after = _worker_pids(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps(summarise(report, args, verify(report), worker_pids_before,
                               worker_pids_after), indent=2))  # fmt: skip


def _worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                         text=True).stdout  # fmt: skip
    return sorted(int(p) for p in out.split())


def _watch_health(report, deadline):
    report["health"] = []
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            status = 0
        report["health"].append((time.time(), status, (time.perf_counter() - started) * 1000))
        time.sleep(0.5)


def summarise(report, args, verification, before, after) -> dict:
    requests = report["requests"]
    times = [r[2] for r in requests]
    statuses = {}
    for _, status, _, _ in requests:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    result = {
        "seconds": args.seconds,
        "officers": args.officers,
        "gunicorn_workers": args.workers,
        "requests": len(requests),
        "requests_per_second": round(len(requests) / args.seconds, 1),
        "status_counts": statuses,
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(statistics.quantiles(times, n=20)[18], 1) if len(times) > 20 else None,
        "verification": verification,
        "worker_pids_unchanged": before == after,
    }
    if args.restart_db and "db_stopped_at" in report:
        stopped, started = report["db_stopped_at"], report["db_started_at"]
        during = [r for r in requests if stopped + 1 < r[0] < started]
        health = report.get("health", [])
        recovered = [h[0] for h in health if h[0] > started and h[1] == 200]
        result["fault"] = {
            "db_down_seconds": round(started - stopped, 1),
            "answers_while_down": {
                str(s): sum(1 for r in during if r[1] == s) for s in {r[1] for r in during}
            },
            "slowest_answer_while_down_ms": round(max((r[2] for r in during), default=0), 1),
            "healthz_while_down": sorted({h[1] for h in health if stopped + 1 < h[0] < started}),
            "recovered_after_seconds": round(recovered[0] - started, 1) if recovered else None,
        }
    return result


if __name__ == "__main__":
    sys.exit(main())
