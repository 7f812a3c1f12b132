from django.shortcuts import render


def my_work(request):
    """Placeholder; being built (issue: officers' phone experience)."""
    return render(request, "mywork/home.html", {})
