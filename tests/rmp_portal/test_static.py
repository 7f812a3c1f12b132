"""Static files as production serves them, and what each main page costs on a weak connection.

`collectstatic` runs once, with the production settings (whitenoise's
CompressedManifestStaticFilesStorage) into a temporary STATIC_ROOT. The page weight of a main
page is the sum of the compressed files whitenoise serves for its stylesheets and scripts
(gzip; brotli where the browser accepts it), read from that output.

docs/page-weight.md lists the figures. Regenerate it with
    UPDATE_PAGE_WEIGHT=1 .venv/bin/pytest tests/rmp_portal/test_static.py
"""

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

BASE_DIR = Path(settings.BASE_DIR)
DOC = BASE_DIR / "docs" / "page-weight.md"
BUDGET_KB = 300  # CSS + JS per page, compressed (gzip)
DOC_TOLERANCE_KB = 5  # the doc may lag small CSS/JS edits, not a new library
KB = 1024


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rmp_portal.settings.production",
        "SECRET_KEY": "x" * 50,
        "STATIC_ROOT": str(root),
        "DATABASE_URL": f"sqlite:///{root.parent / 'unused.sqlite3'}",
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def manifest(root: Path) -> dict[str, str]:
    return json.loads((root / "staticfiles.json").read_text())["paths"]


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    paths = manifest(collected)
    for name in (
        "css/portal.css",
        "css/print.css",
        "js/portal.js",
        "js/charts.js",
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/chartjs/chart.umd.min.js",
    ):
        hashed = paths[name]
        stem, suffix = name.rsplit(".", 1)
        assert re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{suffix}", hashed), hashed
        original = (collected / hashed).stat().st_size
        for extension in ("gz", "br"):
            compressed = collected / f"{hashed}.{extension}"
            assert compressed.exists(), f"no {compressed.name}"
            assert compressed.stat().st_size < original
    # The source maps the vendored files point to are collected and their references hashed.
    css = (collected / paths["vendor/bootstrap/bootstrap.min.css"]).read_text()
    map_name = paths["vendor/bootstrap/bootstrap.min.css.map"].rsplit("/", 1)[1]
    assert f"sourceMappingURL={map_name}" in css


# Page weight ------------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.css.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.js.append(attrs["src"])


@dataclass
class Weight:
    page: str
    css: int  # bytes, gzip
    js: int
    brotli: int  # CSS + JS, brotli
    files: int

    @property
    def total(self) -> int:
        return self.css + self.js


def served_size(root: Path, paths: dict[str, str], url: str, encoding: str) -> int:
    """Bytes whitenoise sends for a static URL with that content encoding."""
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
    assert url.startswith(static_url), f"{url} is not a local static file (no CDN allowed)"
    name = url[len(static_url) :].split("?")[0]
    hashed = root / paths[name]
    if not encoding:
        return hashed.stat().st_size
    compressed = Path(f"{hashed}.{encoding}")
    # whitenoise keeps a compressed copy only where it saves at least 5 %.
    return (compressed if compressed.exists() else hashed).stat().st_size


def generic_path(path: str) -> str:
    """/members/1807/edit/?group=SU-0002 -> /members/<id>/edit/ (ids differ between databases)."""
    path = path.split("?")[0]
    path = re.sub(r"/\d+/", "/<id>/", path)
    return re.sub(r"/[A-Z]{2}-\d{4}/", "/<code>/", path)


def measure(client, root: Path) -> tuple[list[Weight], dict[str, tuple[int, int, int]]]:
    """Per page, the weights; per static file, (raw, gzip, brotli) bytes."""
    from tests.e2e.main_pages import main_pages

    paths = manifest(root)
    weights = []
    files = {}
    users = {}
    for main_page in main_pages():
        client.logout()
        if main_page.user:
            users.setdefault(main_page.user, get_user_model().objects.get(username=main_page.user))
            client.force_login(users[main_page.user])
        response = client.get(main_page.path)
        assert response.status_code == 200, main_page.name
        assets = _Assets()
        assets.feed(response.content.decode())
        for url in assets.css + assets.js:
            files[url] = tuple(served_size(root, paths, url, e) for e in ("", "gz", "br"))
        weights.append(
            Weight(
                page=f"{main_page.name} (`{generic_path(main_page.path)}`)",
                css=sum(served_size(root, paths, u, "gz") for u in assets.css),
                js=sum(served_size(root, paths, u, "gz") for u in assets.js),
                brotli=sum(served_size(root, paths, u, "br") for u in assets.css + assets.js),
                files=len(assets.css) + len(assets.js),
            )
        )
    return weights, files


def render_doc(weights: list[Weight], files: dict[str, tuple[int, int, int]]) -> str:
    file_rows = "\n".join(
        f"| `{url}` | {raw / KB:.1f} | {gz / KB:.1f} | {br / KB:.1f} |"
        for url, (raw, gz, br) in sorted(files.items(), key=lambda item: -item[1][1])
    )
    rows = "\n".join(
        f"| {w.page} | {w.css / KB:.1f} | {w.js / KB:.1f} | {w.total / KB:.1f} | "
        f"{w.brotli / KB:.1f} | {w.files} |"
        for w in weights
    )
    return f"""# Page weight: CSS and JavaScript per page

What a browser downloads in stylesheets and scripts for each main page on its first visit,
compressed as production serves it (whitenoise's `CompressedManifestStaticFilesStorage`,
`collectstatic` with `rmp_portal.settings.production`). After the first visit nothing is
downloaded again: the hashed file names are cached for a year (immutable).

Budget: **{BUDGET_KB} KB** compressed (gzip) per page, for field officers on weak connections.
The print stylesheet (`media="print"`) is counted: browsers download it too, at low
priority. The HTML of the page itself is not counted here.

Measured by `tests/rmp_portal/test_static.py`, which fails when a page is over budget or
when this table is more than {DOC_TOLERANCE_KB} KB off. Regenerate it with
`UPDATE_PAGE_WEIGHT=1 .venv/bin/pytest tests/rmp_portal/test_static.py`.

| page | CSS KB (gzip) | JS KB (gzip) | total KB (gzip) | total KB (brotli) | files |
|---|---:|---:|---:|---:|---:|
{rows}

The files (each downloaded once, then cached):

| file | KB | KB (gzip) | KB (brotli) |
|---|---:|---:|---:|
{file_rows}
"""


def documented_totals() -> dict[str, float]:
    if not DOC.exists():
        return {}
    totals = {}
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"\d+\.\d", cells[3]):
            totals[cells[0]] = float(cells[3])
    return totals


@pytest.mark.django_db
def test_every_main_page_stays_within_the_weight_budget(client, collected):
    call_command("load_demo_data", force=True, stdout=io.StringIO())
    weights, files = measure(client, collected)
    over = [f"{w.page}: {w.total / KB:.1f} KB" for w in weights if w.total > BUDGET_KB * KB]
    assert not over, f"over the {BUDGET_KB} KB budget: {over}"
    # Bootstrap (CSS and JS) and the portal's own files are on every page.
    assert all(w.files >= 4 for w in weights)

    if os.environ.get("UPDATE_PAGE_WEIGHT"):
        DOC.write_text(render_doc(weights, files))
    documented = documented_totals()
    stale = [
        f"{w.page}: measured {w.total / KB:.1f} KB, documented {documented.get(w.page)}"
        for w in weights
        if documented.get(w.page) is None
        or abs(documented[w.page] - w.total / KB) > DOC_TOLERANCE_KB
    ]
    assert not stale, (
        "docs/page-weight.md is out of date; regenerate it with UPDATE_PAGE_WEIGHT=1 "
        f".venv/bin/pytest tests/rmp_portal/test_static.py: {stale}"
    )
