"""The layers hold (docs/architecture.md): core knows no project app, the import contracts in
pyproject.toml are kept, the project shell stays small, and the higher apps' data reaches the
lower apps' pages through what they register in AppConfig.ready()."""

import ast
import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cooperatives.models import CooperativeMembership
from groups import selectors as group_selectors
from groups.models import SelfHelpGroup
from rmp_portal.core import access, history
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
# The product brief's files beside the checkout (written in pieces, so that this test is not
# itself a file that names them).
OUTSIDE_DOCUMENTS = ("DESIGN" + ".md", "STYLE" + ".md", "../" + "shared")
PROJECT_PACKAGES = {"groups", "members", "cooperatives", "initiatives", "imports"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_no_project_app():
    offending = {}
    for path in (ROOT / "rmp_portal" / "core").rglob("*.py"):
        for name in _imported_modules(path):
            top = name.split(".")[0]
            if top in PROJECT_PACKAGES or (
                name.startswith("rmp_portal") and not name.startswith("rmp_portal.core")
            ):
                offending.setdefault(str(path.relative_to(ROOT)), []).append(name)
    assert offending == {}


def test_the_import_contracts_are_kept():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.skip("import-linter is not installed (make install installs it)")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_project_shell_stays_small():
    lines = sum(
        len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "rmp_portal").glob("*.py")
    )
    assert lines <= 1200


def test_no_app_module_points_at_documents_outside_the_repository():
    pointing = [
        str(path.relative_to(ROOT))
        for folder in ("rmp_portal", *sorted(PROJECT_PACKAGES), "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html")
        and any(word in path.read_text(encoding="utf-8") for word in OUTSIDE_DOCUMENTS)
    ]
    assert pointing == []


def test_scope_needs_the_resolver_the_staff_layer_registers(db, monkeypatch):
    user = factories.field_officer("Devashtich", username="officer")
    monkeypatch.setattr(access, "_resolver", None)
    with pytest.raises(ImproperlyConfigured):
        access.scope_for(user)


def test_the_staff_layer_resolves_a_field_officers_scope(db):
    user = factories.field_officer("Devashtich", username="officer")
    scope = access.scope_for(user)
    assert scope.role == "field_officer"
    assert scope.edit_district_ids == {user.staff_profile.districts.get().pk}


def test_cooperatives_register_their_memberships_on_a_groups_history():
    children = history._children(SelfHelpGroup)
    assert [c.model for c in children] == [CooperativeMembership]


@pytest.mark.django_db
def test_members_and_cooperatives_fill_the_groups_registry_columns(officer):
    group = factories.GroupFactory()
    factories.MemberFactory(group=group, surname="Usmonova", given_name="Rukhsora", role="leader")
    factories.MemberFactory(group=group)
    factories.MemberFactory(group=group, sex="M", given_name="Akbar")
    factories.MemberFactory(group=group, left_on=datetime.date(2013, 1, 1))  # left: not counted
    factories.CooperativeMembershipFactory(group=group, cooperative__name="Guncha")
    row = group_selectors.group_registry(user=officer).get()
    assert (row.current_women, row.current_men) == (2, 1)
    assert row.leader_name == "Usmonova Rukhsora"
    assert row.cooperative_name == "Guncha"
    # and the filters that use them
    assert (
        group_selectors.groups_visible(officer)
        .filter(group_selectors.group_condition("has_men", None))
        .count()
        == 1
    )
    assert (
        not group_selectors.groups_visible(officer)
        .exclude(group_selectors.group_condition("in_cooperative", None))
        .exists()
    )
