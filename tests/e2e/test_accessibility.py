"""axe-core (vendored in tests/e2e/vendor, never served to users) on every main page, at
desktop and phone size: no violation of impact "serious" or "critical".

The portal's Content-Security-Policy allows scripts from 'self' only, so the test's browser
context bypasses CSP to inject axe; the pages themselves are unchanged."""

from pathlib import Path

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.main_pages import walk

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}

RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  });
  return {
    passes: result.passes.length,
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
    })),
  };
}"""


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(RUN_AXE)
    assert result["passes"] > 10, "axe did not check the page"
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']}\n" + "\n".join(f"      {n}" for n in v["nodes"])
        for v in violations
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_accessibility_violations(
    live_server, browser, demo_data, viewport
):
    found = {}
    minor = {}

    def visit(page, main_page):
        violations = run_axe(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found[main_page.name] = blocking
        others = [v["id"] for v in violations if v["impact"] not in BLOCKING]
        if others:
            minor[main_page.name] = others

    walk(browser, live_server.url, demo_data, visit, viewport=viewport, bypass_csp=True)
    if minor:
        print("moderate/minor axe findings:", minor)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(
        f"{name}:\n{describe(violations)}" for name, violations in found.items()
    )
