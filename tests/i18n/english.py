"""Finding English left on a page rendered in Russian or Tajik.

The text a reader sees (tags, scripts and styles stripped; the title, aria-label, placeholder
and alt attributes kept, since screen readers and tooltips show them) is scanned for runs of
ASCII words. What may stay in Latin letters is listed here: the programme's and partners'
names, file formats, codes and units. Test data that is typed in Latin (usernames, registry
codes) is passed in by the test and removed first."""

import re
from html.parser import HTMLParser

# Proper names and codes that are written in Latin letters in Russian and Tajik text too.
ALLOWED_PHRASES = (
    "World Bank Group",
    "UN Women",
    "IOM",
    "WBG",
    "NGO",
    "RMP",
    "CSV",
    "XLSX",
    "ISO",
    "English",  # the switcher names each language in itself
)
# Registry codes (SU-0042), province codes, and a word glued to a number (12a) are data.
_CODES = re.compile(r"\b(?:SU|RA)(?:-\d+)?\b|\b\d+[A-Za-z]{1,2}\b")
_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \t\-/,.:;()]+[A-Za-z][A-Za-z'’]*)*")
_WORD = re.compile(r"[A-Za-z]{2,}")

_SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
_HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_ELEMENTS:
            self._hidden += 1
        for name, value in attrs:
            if name in _SHOWN_ATTRIBUTES and value:
                self.parts.append(value)
        # A submit button's value is its label.
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.parts.append(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN_ELEMENTS:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in _HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    """The pieces of text a reader sees or hears, in page order."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [" ".join(part.split()) for part in parser.parts if part.strip()]


def english_runs(html: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """Runs of English words on the page, apart from allowed names and the given data."""
    found = []
    for piece in visible_text(html):
        for known in sorted((*data, *ALLOWED_PHRASES), key=len, reverse=True):
            if known:
                piece = piece.replace(known, " ")
        piece = _CODES.sub(" ", piece)
        for run in _RUN.findall(piece):
            if _WORD.search(run):
                found.append(run.strip(" -/,.:;()"))
    return list(dict.fromkeys(found))
