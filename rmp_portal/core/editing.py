"""The one path from a submitted form to a service, shared by every create and edit view.

A view builds its form, then calls `submit()` with the service call to make: the form is
validated, the service runs (in its own transaction, with its own version check), and what
went wrong is shown the same way everywhere: a stale version side by side with what the user
entered (the service raised StaleEdit), the service's errors on the form's fields
(ValidationError). Pages for users who may change records are guarded by `editors_only`
(403 for the others); a record outside the user's districts is never found (404, the app's
`*_editable` selector).

Small action forms posted from a record's page (join a cooperative, change a status) go
through `run_action()`: their errors become messages on the page the user is sent back to.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render

from rmp_portal.core import access
from rmp_portal.core.concurrency import STALE_MESSAGE, StaleChanges, StaleEdit


def forbidden(request) -> HttpResponse:
    """The page for a signed-in user who may not do what they asked (403)."""
    return render(request, "403.html", status=403)


def editors_only(view):
    """Only users who may change records (field officers, admins) reach `view`; 403 else."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not access.scope_for(request.user).can_edit:
            return forbidden(request)
        return view(request, *args, **kwargs)

    return guarded


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors on the form's fields where it has them, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, field_errors)


@dataclass
class Submission:
    """What became of a form: `saved` with the service's `result`, or the `form` to show
    again (with its errors, or reloaded from the current version with `stale_changes`)."""

    form: forms.Form
    saved: bool = False
    result: Any = None
    stale_changes: StaleChanges | None = None


def submit(
    request,
    form: forms.Form,
    save: Callable[[dict], Any],
    *,
    reload: Callable[[models.Model], forms.Form] | None = None,
) -> Submission:
    """On a valid POST, `save(cleaned_data)` (a service call). A stale edit shows the message
    and `reload(current record)`, the form of the version now stored; a ValidationError puts
    the service's errors on the form. Nothing is saved unless `saved` is true."""
    if request.method != "POST" or not form.is_valid():
        return Submission(form)
    try:
        result = save(form.cleaned_data)
    except StaleEdit as stale:
        messages.error(request, STALE_MESSAGE)
        form = reload(stale.current) if reload is not None else form
        return Submission(form, stale_changes=stale.changes)
    except ValidationError as error:
        add_errors(form, error)
        return Submission(form)
    return Submission(form, saved=True, result=result)


def run_action(request, form: forms.Form, action: Callable[[dict], Any]):
    """Validate a small action form and call `action(cleaned_data)`; its result, or None with
    the form's or the service's errors as messages."""
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
