"""Page benchmark at national scale: `make bench` (see docs/performance.md).

Runs the portal in-process with Django's test client against the database in DATABASE_URL
(default: the `rmp_scale` database that `manage.py generate_scale_data` fills) and prints a
Markdown report: for each key page the median and p95 of warm requests, the time of the SQL
that page runs (its queries captured once, then re-run alone with cursor.execute), and the
Django admin page for the same rows, against the targets in docs/performance.md.

Not part of the test suite (it is not a test_*.py file): it needs a large database and minutes
of CPU. Reads only, apart from two accounts it creates if missing (bench-admin, a superuser,
and bench-manager, a programme-wide manager) and their sessions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rmp_scale .venv/bin/python tests/perf/bench.py
    options: --requests 20 --export-requests 5 --only members --out /tmp/bench.md
"""

import argparse
import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rmp_scale")
# The test settings: DEBUG off, plain static files storage (no collectstatic needed).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmp_portal.settings.test")

warnings.filterwarnings("ignore", message="No directory at")  # STATIC_ROOT: not needed

import django  # noqa: E402

django.setup()

# The test settings close the database connection after every request (CONN_MAX_AGE 0: the
# test database must not stay busy between tests); production keeps it (CONN_MAX_AGE 60, as
# rmp_portal.settings.base). Measure pages as production serves them: not a new PostgreSQL
# connection (3-7 ms here) per request.
from django.db import connections  # noqa: E402

connections["default"].settings_dict["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# Targets (docs/performance.md): median, p95 in milliseconds.
TARGETS = {
    "dashboard": (150, 300),
    "dashboard-past": (500, 1000),
    "registry": (150, 300),
    "detail": (50, 100),
    "export-csv": (5000, None),
    "export-xlsx": (None, None),
}
CSV_MEMORY_TARGET_MB = 50
SQL_RATIO_LIMIT = 1.5
SQL_BUDGET_MS = 20_000
SQL_RATIO_FLOOR_MS = 20
ADMIN_SLOW_MS = 5000


@dataclass
class Page:
    name: str
    url: str
    kind: str  # a TARGETS key
    admin_url: str | None = None
    export: bool = False
    times: list[float] = field(default_factory=list)
    uncached: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: int = 0
    admin_times: list[float] = field(default_factory=list)
    rows: int | None = None
    memory: dict = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def fetch(client: Client, url: str) -> tuple[float, int]:
    """One request and its whole body read, in milliseconds; and the body's line count. A
    streamed body is read chunk by chunk and not kept, as a server writes it to the socket."""
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    if response.streaming:
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    else:
        lines = response.content.count(b"\n")
    return (time.perf_counter() - start) * 1000, lines


def sql_time(statements: list[dict], repeat: int) -> list[float]:
    """The page's own SELECTs re-run alone (rows fetched, as the page fetches them); other
    statements (the session's UPDATE) count with the time Django recorded for them."""
    results = []
    with connection.cursor() as cursor:
        for attempt in range(repeat):
            if attempt >= 3 and sum(results) > SQL_BUDGET_MS:
                break  # a slow page's SQL: 3 runs are enough for a median
            total = 0.0
            for statement in statements:
                sql = statement["sql"]
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    start = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    total += (time.perf_counter() - start) * 1000
                else:
                    total += float(statement["time"]) * 1000
            results.append(total)
    return results


def users():
    from django.contrib.auth import get_user_model

    from rmp_portal.models import StaffProfile

    user_model = get_user_model()
    admin, _ = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    manager, created = user_model.objects.get_or_create(username="bench-manager")
    if created or not hasattr(manager, "staff_profile"):
        StaffProfile.objects.update_or_create(
            user=manager, defaults={"role": StaffProfile.Role.MANAGER, "programme_wide": True}
        )
    return admin, manager


def pages() -> list[Page]:
    from cooperatives.models import Cooperative
    from groups.models import District, SelfHelpGroup
    from members.models import Member

    by_members = dict(
        Member.objects.values_list("group__district_id").annotate(n=Count("pk")).order_by()
    )
    districts = {d.pk: d for d in District.objects.all()}
    biggest = max(districts.values(), key=lambda d: by_members.get(d.pk, 0))
    # 100,000 members (a few more: those who joined on the first day counted): the latest to
    # join. And for the XLSX export, the smallest district with at least 10,000 members.
    first_day = (
        Member.objects.order_by("-joined_on").values_list("joined_on", flat=True)[99_999]
        if len(by_members) and sum(by_members.values()) >= 100_000
        else datetime.date(2000, 1, 1)
    )
    xlsx_district = min(
        (d for d in districts.values() if by_members.get(d.pk, 0) >= 10_000),
        key=lambda d: by_members[d.pk],
        default=biggest,
    )
    group = (
        SelfHelpGroup.objects.annotate(n=Count("members"))
        .order_by("-n", "code")
        .only("pk", "code")
        .first()
    )
    cooperative = (
        Cooperative.objects.annotate(n=Count("memberships")).order_by("-n", "pk").only("pk").first()
    )
    past = "2015-01-01"
    d, sughd = biggest.pk, biggest.province.code
    admin_groups = "/admin/groups/selfhelpgroup/"
    admin_members = "/admin/members/member/"
    result = [
        Page("Programme dashboard", "/", "dashboard"),
        Page("Province dashboard", f"/provinces/{sughd}/", "dashboard"),
        Page("Programme dashboard as of a past date", f"/?as_of={past}", "dashboard-past"),
        Page("Groups: default", "/groups/", "registry", admin_groups),
        Page(
            f"Groups: district ({biggest.name}) + status",
            f"/groups/?district={d}&status=active",
            "registry",
            f"{admin_groups}?district__id__exact={d}&status__exact=active",
        ),
        # Admin shows 100 rows a page: its page 50 holds the portal's page 100 (rows 4951-5000).
        Page(
            "Groups: sorted by name, page 100",
            "/groups/?sort=name&page=100",
            "registry",
            f"{admin_groups}?o=2&p=50",
        ),
        Page("Members: default", "/members/", "registry", admin_members),
        Page(
            f"Members: district ({biggest.name}) + sex",
            f"/members/?district={d}&sex=M",
            "registry",
            f"{admin_members}?group__district__id__exact={d}&sex__exact=M",
        ),
        Page(
            "Members: search a surname",
            "/members/?q=rahimova",
            "registry",
            f"{admin_members}?q=rahimova",
        ),
        Page(
            "Members: search in Cyrillic",
            "/members/?q=%D0%A0%D0%B0%D1%85%D0%B8%D0%BC%D0%BE%D0%B2%D0%B0",  # Рахимова
            "registry",
            f"{admin_members}?q=%D0%A0%D0%B0%D1%85%D0%B8%D0%BC%D0%BE%D0%B2%D0%B0",
        ),
        Page(
            f"Group detail ({group.code}, {group.n} members)",
            f"/groups/{group.code}/",
            "detail",
            f"{admin_groups}{group.pk}/change/",
        ),
        Page(
            f"Cooperative detail ({cooperative.n} groups)",
            f"/cooperatives/{cooperative.pk}/",
            "detail",
            f"/admin/cooperatives/cooperative/{cooperative.pk}/change/",
        ),
        Page(
            f"CSV export, members who joined since {first_day}",
            f"/members/export/csv/?joined_after={first_day}",
            "export-csv",
            export=True,
        ),
        Page(
            f"XLSX export, members of {xlsx_district.name}",
            f"/members/export/xlsx/?district={xlsx_district.pk}",
            "export-xlsx",
            export=True,
        ),
    ]
    return result


def measure(
    page: Page, client: Client, admin_client: Client, n: int, n_admin: int, warm: int = 2
) -> None:
    load_before = os.getloadavg()[0]
    for _ in range(warm):
        fetch(client, page.url)
    for _ in range(n):
        page.times.append(fetch(client, page.url)[0])
    if page.kind.startswith("dashboard"):
        # The same page with the figures computed afresh each time (cache emptied first).
        for _ in range(max(3, n // 4)):
            cache.clear()
            page.uncached.append(fetch(client, page.url)[0])
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        _elapsed, lines = fetch(client, page.url)
    page.queries = len(captured)
    if page.export and "/csv/" in page.url:
        page.rows = lines - 1  # the header
    page.sql = sql_time(captured.captured_queries, repeat=max(3, min(n, 10)))
    page.load = (load_before, os.getloadavg()[0])
    if page.admin_url:
        first = fetch(admin_client, page.admin_url)[0]
        for _ in range(warm - 1 if first < ADMIN_SLOW_MS else 0):
            fetch(admin_client, page.admin_url)
        for _ in range(n_admin):
            page.admin_times.append(fetch(admin_client, page.admin_url)[0])
            if len(page.admin_times) >= 3 and min(page.admin_times) > ADMIN_SLOW_MS:
                break  # an admin page of many seconds: 3 requests give its median


def measure_memory(page: Page, client: Client) -> None:
    """Memory growth of the worker while it streams the export: Python allocations
    (tracemalloc, a separate request: tracing slows it) and the process's peak RSS."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    fetch(client, page.url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    page.memory["tracemalloc_peak_mb"] = (peak - before) / 2**20


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SHOW shared_buffers")
            version += f" (shared_buffers {cursor.fetchone()[0]})"
    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603
            ["git", "status", "--porcelain"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "memory": f"{total_kb / 2**20:.1f} GiB",
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "database": version,
        "commit": commit,
    }


def data_size() -> str:
    from cooperatives.models import Cooperative
    from groups.models import SelfHelpGroup
    from members.models import Member

    return (
        f"{SelfHelpGroup.objects.count():,} groups, {Member.objects.count():,} members, "
        f"{Cooperative.objects.count():,} cooperatives"
    )


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.2f} s" if value >= 10_000 else f"{value:.0f}"


def verdict(page: Page) -> str:
    median, p95 = statistics.median(page.times), percentile(page.times, 0.95)
    target_median, target_p95 = TARGETS[page.kind]
    misses = []
    if target_median is not None and median > target_median:
        misses.append("median")
    if target_p95 is not None and p95 > target_p95:
        misses.append("p95")
    if page.admin_times and median > statistics.median(page.admin_times):
        misses.append("slower than admin")
    sql = statistics.median(page.sql)
    if sql > SQL_RATIO_FLOOR_MS and median > SQL_RATIO_LIMIT * sql:
        misses.append(f"> {SQL_RATIO_LIMIT}× SQL")
    memory = page.memory.get("tracemalloc_peak_mb")
    if page.kind == "export-csv" and memory is not None and memory > CSV_MEMORY_TARGET_MB:
        misses.append("memory")
    return "ok" if not misses else "**misses: " + ", ".join(misses) + "**"


def dashboard_parts(manager, n: int) -> list[tuple[str, float, float | None]]:
    """What a dashboard page spends on its figures (rmp_portal.dashboards.dashboard: read from
    the cache, or computed afresh) and on the data-quality badge, timed alone."""
    from groups.models import Province
    from rmp_portal.dashboards import figures as dashboards

    sughd = Province.objects.get(code="SU")
    today = dashboards.reporting_dates({})
    past = dashboards.reporting_dates({"as_of": "2015-01-01"})
    parts = []
    for label, province, dates in (
        ("programme", None, today),
        ("province SU", sughd, today),
        ("programme as of 2015-01-01", None, past),
    ):

        def figures(province=province, dates=dates):
            return dashboards.dashboard(province=province, dates=dates)

        figures()
        warm = [_timed(figures) for _ in range(n)]
        afresh = []
        for _ in range(max(3, n // 4)):
            cache.clear()
            afresh.append(_timed(figures))
        parts.append((f"figures, {label}", statistics.median(warm), statistics.median(afresh)))
    try:
        from rmp_portal.quality import checks as quality
    except ImportError:
        return parts
    try:
        for label, province in (("programme", None), ("province SU", sughd)):
            scope = quality.Scope.of(manager, province)
            times = [_timed(lambda scope=scope: quality.total(scope)) for _ in range(3)]
            parts.append((f"data-quality badge, {label}", statistics.median(times), None))
    except (AttributeError, TypeError):  # that module changed: nothing to attribute
        pass
    return parts


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def report(
    results: list[Page], parts: list, info: dict, size: str, n: int, n_export: int, n_admin: int
) -> str:
    lines = [
        f"- date: {info['date']}",
        f"- machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, "
        f"load average at start {info['load']}",
        f"- database: {info['database']}",
        f"- data: {size}",
        f"- commit: {info['commit']}",
        f"- requests: {n} per page ({n_export} per export, {n_admin} per admin page) after "
        "2 warm-up requests; "
        "Django test client in one process, signed in as a programme-wide manager "
        "(admin pages as a superuser)",
        "",
        "| page | median ms | p95 ms | target ms (median / p95) | queries | SQL ms | "
        "page ÷ SQL | admin median ms | figures computed afresh, median ms | load avg "
        "(before → after) | verdict |",
        "|---|--:|--:|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for page in results:
        median, p95 = statistics.median(page.times), percentile(page.times, 0.95)
        sql = statistics.median(page.sql)
        target = " / ".join("–" if t is None else str(t) for t in TARGETS[page.kind])
        admin = ms(statistics.median(page.admin_times)) if page.admin_times else "–"
        uncached = ms(statistics.median(page.uncached)) if page.uncached else "–"
        lines.append(
            f"| {page.name} `{page.url}` | {ms(median)} | {ms(p95)} | {target} | "
            f"{page.queries} | {ms(sql)} | {median / sql:.1f} | {admin} | {uncached} | "
            f"{page.load[0]:.1f} → {page.load[1]:.1f} | {verdict(page)} |"
        )
    if parts:
        lines += [
            "",
            "Dashboard parts, timed alone:",
            "",
            "| part | median ms, warm | median ms, computed afresh |",
            "|---|--:|--:|",
        ]
        lines += [f"| {label} | {ms(warm)} | {ms(afresh)} |" for label, warm, afresh in parts]
    for page in results:
        if page.memory:
            lines.append("")
            lines.append(
                f"{page.name}: {page.rows:,} rows; Python memory peak while streaming "
                f"(tracemalloc) {page.memory['tracemalloc_peak_mb']:.1f} MB; worker peak RSS "
                f"growth over all its requests {page.memory['maxrss_growth_mb']:.1f} MB "
                f"(target {CSV_MEMORY_TARGET_MB} MB)."
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--export-requests", type=int, default=5, help="timed exports")
    parser.add_argument(
        "--admin-requests", type=int, default=5, help="timed requests per admin page"
    )
    parser.add_argument("--only", default="", help="run the pages whose name contains this")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()

    info = machine()
    admin, manager = users()
    client, admin_client = Client(), Client()
    client.force_login(manager)
    admin_client.force_login(admin)
    size = data_size()
    results = []
    for page in pages():
        if args.only.lower() not in page.name.lower():
            continue
        print(f"{page.name} …", file=sys.stderr, flush=True)
        n = args.export_requests if page.export else args.requests
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        measure(page, client, admin_client, n, args.admin_requests)
        if page.export and "/csv/" in page.url:
            # Linux reports ru_maxrss in KiB.
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            page.memory["maxrss_growth_mb"] = (rss_after - rss_before) / 1024
            measure_memory(page, client)
        results.append(page)
    parts = (
        dashboard_parts(manager, args.requests)
        if "dashboard" in args.only.lower() or not args.only
        else []
    )
    text = report(
        results, parts, info, size, args.requests, args.export_requests, args.admin_requests
    )
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
