"""Import benchmark: preview and confirm 20,000 member rows (the import's limit), then the same
file again (every row unchanged), and print the times. Target: under 60 s in all.

Not collected by default (not a test_*.py file, and marked perf); run it on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rmp_imports \\
        .venv/bin/python -m pytest tests/perf/bench_import.py -m perf -s -p no:randomly
"""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from imports import services
from imports.reader import MAX_ROWS
from members.models import Member
from tests import factories

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

GROUPS = 200
TARGET_SECONDS = 60


def member_file(codes: list[str]) -> bytes:
    per_group = MAX_ROWS // len(codes)
    lines = ["Group;Surname;Given name;Patronymic;Sex;Birth year;Phone;Role;Joined;Left;"
             "Migration link;Head of household;Skills and professional interests"]  # fmt: skip
    for g, code in enumerate(codes):
        for i in range(per_group):
            sex, role = ("M", "member") if i % 40 == 39 else ("F", "leader" if i == 0 else "member")
            lines.append(
                f"{code};Rahimova{g}x{i};Gulnora;Saidovna;{sex};{1960 + i % 40};"
                f"+992 92 {g:03d} {i:04d};{role};01.03.2014;;relative of a labour migrant "
                f"abroad;{'yes' if i % 3 == 0 else 'no'};sewing"
            )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"  {label:<42} {seconds:7.2f} s")
    return result, seconds


def test_bench_import_of_20000_members():
    officer = factories.field_officer("Devashtich", username="bench-officer")
    codes = [factories.GroupFactory(name=f"Bench {i}").code for i in range(GROUPS)]
    content = member_file(codes)
    print(f"\nImport benchmark on {connection.vendor}: {MAX_ROWS:,} member rows, "
          f"{len(content) / 1e6:.1f} MB CSV, {GROUPS} groups")  # fmt: skip
    total = 0.0

    def preview():
        upload = SimpleUploadedFile("bench.csv", content)
        return services.import_preview(user=officer, kind="members", upload=upload)

    run, seconds = timed("preview (read, check, store)", preview)
    total += seconds
    assert (run.new_count, run.error_count) == (MAX_ROWS, 0), run.results[:3]
    run, seconds = timed("confirm (check again, write, history)", lambda: services.import_commit(
        run=run, user=officer))  # fmt: skip
    total += seconds
    assert Member.objects.count() == MAX_ROWS
    assert Member.history.filter(history_change_reason=f"import #{run.pk}").count() == MAX_ROWS

    again, seconds = timed("preview of the same file (all unchanged)", preview)
    total += seconds
    assert again.unchanged_count == MAX_ROWS
    print(f"  {'total':<42} {total:7.2f} s (target: under {TARGET_SECONDS} s)")
    assert total < TARGET_SECONDS
