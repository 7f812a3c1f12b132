from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def fixture_file(name: str, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or name, (FIXTURES / name).read_bytes())


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content)


@pytest.fixture
def group(db):
    """The first group registered in Sughd: SU-0001, which the fixture files name."""
    group = factories.GroupFactory(name="Bonuvoni Yakhtan")
    assert group.code == "SU-0001"
    return group
