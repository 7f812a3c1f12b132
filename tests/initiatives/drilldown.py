"""Following the drill-down links of the dashboards' "Joint initiatives and support" section:
each figure against the registry list it links to."""

import re
from decimal import Decimal
from html import unescape

LINK = re.compile(r'<a href="([^"]+)" data-figure="([^"]+)">([^<]+)</a>')
SEPARATORS = re.compile(r"[,\s\u00a0\u202f\u2009']")


def section_of(html: str) -> str:
    start = html.index('id="initiatives-section"')
    return html[start : html.index("</section>", start)]


def links(html: str) -> list[tuple[str, str, Decimal]]:
    """(figure key, href, value) of every figure link in the section."""
    return [
        (key, unescape(href), Decimal(SEPARATORS.sub("", text)))
        for href, key, text in LINK.findall(section_of(html))
    ]


def registry_value(client, key: str, href: str, cache: dict | None = None) -> Decimal:
    """What the linked list shows for that figure: its total, or the sum of its grants or
    participants for the figures that are sums."""
    cache = {} if cache is None else cache
    if href not in cache:
        response = client.get(href)
        assert response.status_code == 200, href
        context = response.context
        assert not context["filter"].errors, (href, context["filter"].errors)
        cache[href] = {
            "count": context["paginator"].count,
            "grants": context.get("grant_totals"),
            "participants": context.get("participant_totals"),
        }
    context = cache[href]
    if key.endswith("-amount"):
        return Decimal(context["grants"]["amount"] or 0)
    if key.endswith("-women"):
        return Decimal(context["participants"]["women"])
    if key.endswith("-men"):
        return Decimal(context["participants"]["men"])
    return Decimal(context["count"])


def mismatches(client, page: str) -> tuple[int, list]:
    """How many links the page's section has, and those whose list disagrees."""
    html = client.get(page).content.decode()
    found = links(html)
    wrong, cache = [], {}
    for key, href, value in found:
        listed = registry_value(client, key, href, cache)
        if listed != value:
            wrong.append((key, href, value, listed))
    return len(found), wrong
