"""Officer pages on a slow 3G connection, in headless Chromium: `make slow3g` (docs/performance.md).

Serves the portal with gunicorn and the production settings (DEBUG off, whitenoise's
compressed and fingerprinted static files, HTML gzip-compressed) on the demo data, signs in
as the demo field officer, then loads each page through Chromium's network emulation (the
Chrome DevTools Protocol: 400 ms round trip, 400 kbit/s down and up) and prints a Markdown
table: the bytes transferred and the time to the load event, cold (empty browser cache) and
warm (the same page again, static files from the cache).

Not part of the test suite (it is not a test_*.py file). Needs /usr/bin/chromium. By default
it builds a scratch SQLite database with the demo data in a temporary directory; give
DATABASE_URL to measure another database (it must hold the demo accounts).

    .venv/bin/python tests/perf/slow_3g.py [--runs 3] [--out /tmp/slow3g.md]
"""

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OFFICER = "officer-devashtich"
# 400 ms round trip, 400 kbit/s each way: DevTools' throughput is in bytes per second.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
           "uploadThroughput": 400_000 / 8}  # fmt: skip
TARGETS_MS = {"My work": (2000, 1000)}  # cold, warm


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True,
    )  # fmt: skip
    return done.stdout


def prepare(env: dict) -> dict[str, str]:
    """Migrate and load the demo data (scratch database), collect static files; return the
    paths of the pages, found in the demo data (a group of the officer's own district)."""
    if "DATABASE_URL" not in os.environ:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo_data", "--force")
    manage(env, "collectstatic", "--noinput", "-v0")
    code = manage(
        env,
        "shell",
        "-c",
        "from groups.models import SelfHelpGroup as G;"
        "print(G.objects.filter(district__name='Devashtich').order_by('code').first().code)",
    ).split()[-1]
    return {
        "My work": "/my-work/",
        "Members registry": "/members/",
        "Group page": f"/groups/{code}/",
        "Add a member": f"/members/new/?group={code}",
    }


def session_cookie(env: dict) -> str:
    return manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model;from django.test import Client;"
        f"c=Client();c.force_login(get_user_model().objects.get(username='{OFFICER}'));"
        "print(c.cookies['sessionid'].value)",
    ).split()[-1]


def measure(page, cdp, url: str, *, cold: bool) -> tuple[float, int]:
    """Load `url`; return (ms to the load event, bytes transferred, headers included)."""
    if cold:
        cdp.send("Network.clearBrowserCache")
    sizes: dict[str, int] = {}

    def finished(event):
        sizes[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    elapsed = (time.perf_counter() - started) * 1000
    page.wait_for_timeout(300)  # the last loadingFinished events
    cdp.remove_listener("Network.loadingFinished", finished)
    return elapsed, sum(sizes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="loads of each page, cold and warm")
    parser.add_argument("--out", help="also write the Markdown report to this file")
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    scratch = tempfile.mkdtemp(prefix="rmp-slow3g-")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rmp_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(Path(scratch) / "static"),
        "LOG_LEVEL": "ERROR",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{scratch}/demo.sqlite3")
    pages = prepare(env)
    cookie = session_cookie(env)
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "rmp_portal.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        rows = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM)
            context = browser.new_context(viewport={"width": 360, "height": 740})
            context.add_cookies(
                [{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}]
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            for label, path in pages.items():
                cold, warm = [], []
                for _ in range(options.runs):
                    cold.append(measure(page, cdp, base + path, cold=True))
                    warm.append(measure(page, cdp, base + path, cold=False))
                assert page.url.startswith(base + path), f"{label}: landed on {page.url}"
                rows.append((label, path, cold, warm))
            browser.close()
    finally:
        server.terminate()
        server.wait()

    lines = [
        f"Slow 3G (400 ms round trip, 400 kbit/s), headless Chromium at 360×740, "
        f"{options.runs} loads each, median; signed in as {OFFICER}, demo data.",
        "",
        "| page | path | cold KB | cold ms | warm KB | warm ms | target cold / warm |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for label, path, cold, warm in rows:
        target = TARGETS_MS.get(label)
        verdict = "—"
        if target:
            ok = statistics.median(t for t, _ in cold) <= target[0] and (
                statistics.median(t for t, _ in warm) <= target[1]
            )
            verdict = f"≤ {target[0]} / ≤ {target[1]} ms: {'met' if ok else 'MISSED'}"
        lines.append(
            f"| {label} | `{path}` | {statistics.median(b for _, b in cold) / 1024:.1f} "
            f"| {statistics.median(t for t, _ in cold):.0f} "
            f"| {statistics.median(b for _, b in warm) / 1024:.1f} "
            f"| {statistics.median(t for t, _ in warm):.0f} | {verdict} |"
        )
    report = "\n".join(lines)
    print(report)
    if options.out:
        Path(options.out).write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
