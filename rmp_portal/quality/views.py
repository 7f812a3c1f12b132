"""The data-quality page (/data-quality/): what needs fixing in the reader's provinces (a field
officer's: in their districts, rmp_portal.quality.checks.Scope)."""

from django.http import Http404
from django.shortcuts import render

from rmp_portal.core.editing import forbidden
from rmp_portal.quality import checks as quality


def data_quality(request):
    if not quality.may_read(request.user):
        return forbidden(request)
    provinces = list(quality.provinces(request.user))
    province = None
    if code := request.GET.get("province", ""):
        province = next((p for p in provinces if p.code == code.upper()), None)
        if province is None:
            raise Http404
    lines = quality.report(quality.Scope.of(request.user, province))
    context = {
        "lines": lines,
        "total": sum(line.count for line in lines),
        "provinces": provinces if len(provinces) > 1 else [],
        "province": province,
    }
    return render(request, "quality/page.html", context)
