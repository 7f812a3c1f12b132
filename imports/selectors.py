"""Reads of import runs, narrowed to the reader's scope (rmp_portal.core.access).

Who sees a run (README, "Who may do what"):

- its uploader, always, with the rows of the preview;
- admins, every run, with the rows;
- managers, read-only and without the rows, the runs that *cover* one of the provinces they
  read (programme-wide managers: every run). A run covers the districts its uploader edited
  when the file was uploaded (ImportRun.districts, recorded by ImportRun.save()); an import
  writes only records of those districts. An admin's run covers no district: only admins and
  programme-wide managers see it;
- field officers other than the uploader do not list it; one who follows a link from the
  history of a record of their province (which they read) sees who imported what and when
  (the summary), when the run covers a district of a province they read.

Anyone else gets 404 for the run (and the list page shows them nothing of it)."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from imports.models import ImportRun
from rmp_portal.core import access


def _runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("user")


def _covered(runs: QuerySet[ImportRun], scope: access.Scope, *, or_by=None) -> QuerySet:
    """`runs` that cover a district of a province `scope` reads (every run when it reads
    every province: programme-wide managers), and those uploaded by `or_by`."""
    if scope.read_province_ids is None:
        return runs
    districts = ImportRun.districts.through.objects.filter(
        importrun_id=OuterRef("pk"), district__province_id__in=scope.read_province_ids
    )
    condition = Q(Exists(districts))
    if or_by is not None:
        condition |= Q(user=or_by)
    return runs.filter(condition)


def runs_listed(user) -> QuerySet[ImportRun]:
    """The import runs page: the user's own runs; a manager's, the runs of their scope;
    an admin's, every run. Newest first; the stored rows are not loaded."""
    scope = access.scope_for(user)
    runs = _runs().defer("rows", "results", "headers")
    if not scope.has_role:
        return runs.none()
    if scope.is_admin:
        return runs
    if scope.role == "manager":
        return _covered(runs, scope)
    return runs.filter(user=user)


def may_see_rows(user, run: ImportRun) -> bool:
    """The preview's rows (the file's personal data): the uploader and admins."""
    return run.user_id == user.pk or access.scope_for(user).is_admin


def run_detail(*, user, pk: int) -> ImportRun:
    """A run its uploader, an admin, or a reader whose provinces it covers may open (404
    otherwise): managers, and field officers following a record's history link."""
    scope = access.scope_for(user)
    runs = _runs()
    if not scope.has_role:
        runs = runs.none()
    elif not scope.is_admin:
        runs = _covered(runs, scope, or_by=user)
    return get_object_or_404(runs, pk=pk)


def open_run(*, user, pk: int) -> ImportRun:
    """The user's own run, to confirm or discard (404 for anyone else's)."""
    return get_object_or_404(ImportRun.objects.defer("rows", "results"), pk=pk, user=user)
