"""Reading the data-quality page in tests: each check's count, and one check's section."""

import re

URL = "/data-quality/"


def counts_on_page(client, url=URL) -> dict[str, int]:
    response = client.get(url)
    assert response.status_code == 200
    found = re.findall(r'id="count-(\w+)">(\d+)<', response.content.decode())
    return {key: int(n) for key, n in found}


def section(html: str, key: str) -> str:
    start = html.index(f'<section class="card mb-3" id="{key}"')
    return html[start : html.index("</section>", start)]
