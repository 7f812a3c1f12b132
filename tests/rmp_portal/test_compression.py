"""HTML is sent gzip-compressed to browsers that accept it (a weak connection carries a
tenth of the bytes), and the CSRF token in a page is masked afresh on every response, which
with GZipMiddleware's padding keeps BREACH from reading it out of the compressed size."""

import gzip
import re

import pytest

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_pages_are_compressed_for_browsers_that_accept_it(client, officer):
    client.force_login(officer)

    plain = client.get("/my-work/")
    packed = client.get("/my-work/", headers={"accept-encoding": "gzip, deflate, br"})

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content)
    assert b"My work" in html
    assert len(packed.content) * 2 < len(html)


def test_the_csrf_token_differs_on_every_page(client, officer):
    client.force_login(officer)

    first, second = (
        TOKEN.search(gzip.decompress(client.get("/members/new/", headers={
            "accept-encoding": "gzip"}).content)).group(1)
        for _ in range(2)
    )  # fmt: skip

    assert first != second
