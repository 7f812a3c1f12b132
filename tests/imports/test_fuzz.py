"""Any cell in any column: the check answers with row errors or a file message, never an
exception (which the page would show as a 500), and writes nothing but the run."""

import contextlib
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.models import SelfHelpGroup
from imports import services
from imports.columns import GROUP_COLUMNS, MEMBER_COLUMNS
from imports.reader import ImportFileError
from members.models import Member
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db

CELL = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.printable, max_size=20),
    st.sampled_from(
        [
            "",
            "SU-0001",
            "F",
            "M",
            "Ж",
            "leader",
            "01.03.2014",
            "2014-02-30",
            "31.12.9999",
            "1800",
            "99999999999999999999",
            "Devashtich",
            "Ghonchi",
            "=1+1",
            "'=cmd",
            "yes",
            "\x00",
            "-",
            "—",
            ";",
            '"',
            "active",
            "dissolved",
            "Yakhtan",
            "Sewing; ;",
        ]
    ),  # fmt: skip
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@SETTINGS
@given(data=st.data())
@pytest.mark.parametrize("kind", ["groups", "members"])
def test_any_cells_give_row_errors_not_exceptions(officer, group, kind, data):
    columns = GROUP_COLUMNS if kind == "groups" else MEMBER_COLUMNS
    needed = [c for c in columns if c.required or c.key in ("surname", "given_name")]
    extra = data.draw(st.lists(st.sampled_from(columns), unique=True), label="extra columns")
    chosen = data.draw(st.permutations(needed + [c for c in extra if c not in needed]))
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(chosen), max_size=len(chosen)),
                              min_size=1, max_size=4))  # fmt: skip
    text = ";".join(str(c.label) for c in chosen) + "\r\n"
    text += "".join(";".join(csv_cell(c) for c in row) + "\r\n" for row in rows)
    before = (SelfHelpGroup.objects.count(), Member.objects.count())
    try:
        run = services.import_preview(user=officer, kind=kind, upload=upload("f.csv", text))
    except ImportFileError:
        return
    assert (SelfHelpGroup.objects.count(), Member.objects.count()) == before
    with contextlib.suppress(services.ImportRefused):
        services.import_commit(run=run, user=officer, accept_duplicates=True)
