"""The built pages pass the Nu HTML Checker and axe-core."""

import json
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def test_pages_pass_nu_html_checker(built_site):
    java = shutil.which("java")
    assert java, "Java not found: the Nu HTML Checker needs a Java runtime"
    pages = sorted(built_site.glob("*.html"))
    assert [page.name for page in pages] == [
        "404.html",
        "index.html",
        "walkthrough.html",
    ]

    completed = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--also-check-svg",
        ]
        + [str(page) for page in pages],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(completed.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{message.get('url', '')}:{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]
    assert errors == []


def axe_violations(page):
    # Evaluating the source, instead of adding a <script>, also works on a
    # page whose own scripts are disabled.
    source = AXE_SCRIPT.read_text(encoding="utf-8")
    results = page.evaluate(
        f"async () => {{ {source}\n return await axe.run(document); }}"
    )
    return [
        f"{violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])} nodes, e.g. {violation['nodes'][0]['target']})"
        for violation in results["violations"]
    ]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_live_page_has_no_axe_violations(browser, site_url, color_scheme):
    context = browser.new_context(color_scheme=color_scheme)
    page = context.new_page()
    page.goto(site_url)
    page.wait_for_selector('table.attention-matrix[data-source="live"]')
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_static_page_has_no_axe_violations(browser, site_url, color_scheme):
    # axe needs JavaScript, so the page's own script is blocked instead: the
    # reader then sees the build-time markup, as with JavaScript off.
    context = browser.new_context(color_scheme=color_scheme)
    page = context.new_page()
    page.route("**/assets/app.js", lambda route: route.abort())
    page.goto(site_url)
    assert page.locator('table.attention-matrix[data-source="static"]').count() > 0
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_walkthrough_has_no_axe_violations(browser, site_url, color_scheme):
    context = browser.new_context(color_scheme=color_scheme)
    page = context.new_page()
    page.goto(site_url + "walkthrough.html")
    assert page.locator(".code-listing").count() > 0
    assert axe_violations(page) == []
    context.close()
