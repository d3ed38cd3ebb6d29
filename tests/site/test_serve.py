"""`mkdocs serve` alone regenerates the site from the CSVs: editing a CSV updates the page; a save
that breaks the data shows the validator's messages on the page instead of hanging it; and on a
machine without Chromium it still previews the site, where `mkdocs build` stops with one line."""

import os
import shutil
import subprocess
import time
import urllib.request
from contextlib import contextmanager

import pytest
from conftest import BIN, build_site, free_port, set_cell

from scripts.paths import PACKAGE_DIR, ROOT

pytestmark = pytest.mark.build


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, words: str, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if words in get(url):
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


@contextmanager
def preview(package_copy, log=None, **env):
    """`mkdocs serve` as `make serve` runs it, on a free port, building from a copy of the package;
    yields the site's address, and stops the server however the test ends."""
    port = free_port()
    env = {
        **os.environ,
        **env,
        "ANNEX_DATAPACKAGE": str(package_copy.parent),
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }
    out = log.open("w") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            out.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One `mkdocs serve` of a copy of the package, started and answering, for the tests that save
    a CSV while it serves (each leaves the data valid): (descriptor, address)."""
    package = tmp_path_factory.mktemp("served") / "datapackage"
    shutil.copytree(PACKAGE_DIR, package)
    with preview(package / "datapackage.json") as site:
        assert wait_for(site + "figures/cao-centres/", "reception and guidance centres", 120), (
            "mkdocs serve did not start"
        )
        yield package / "datapackage.json", site


def test_editing_a_csv_while_serving_updates_the_page(served):
    descriptor, site = served
    set_cell(descriptor, "figures", "cao-centres", "note", "Corrected while the site was being served.")
    assert wait_for(site + "figures/cao-centres/", "Corrected while the site was being served.", 120)


def test_a_save_that_breaks_the_data_shows_why_on_the_page_and_the_next_save_recovers(served):
    descriptor, site = served
    url = site + "figures/cao-centres/"
    events = descriptor.parent / "data" / "events.csv"
    good = events.read_bytes()
    try:
        # A date as a corrector might type it, with markup in it: the message quotes it, escaped.
        line = set_cell(descriptor, "events", "valletta-summit", "date", "<b>11/11/2015</b>")
        # Every request answers (get() gives up after 10 s): no waiting on a build that failed.
        assert wait_for(url, "The data is invalid", 120), "no banner after a save that broke the data"
        page = get(url)
        assert f"data/events.csv:{line}: date: type-error: &#39;&lt;b&gt;11/11/2015&lt;/b&gt;&#39;" in page
        assert "<b>11/11/2015" not in page
        assert "reception and guidance centres" in page  # the last data that passed, still served
        assert "The data is invalid" in get(site)  # on every page
    finally:
        events.write_bytes(good)  # the next save, and valid data for the next test of this server
    end = time.monotonic() + 120
    while "The data is invalid" in get(url) and time.monotonic() < end:
        time.sleep(0.5)
    assert "The data is invalid" not in get(url) and "reception and guidance centres" in get(url)


# No Chromium, as on a contributor's machine without it: BROWSER_PATH names a missing file (kaleido
# looks there first), and an empty drawing cache, so that every chart would have to be drawn.
def without_chromium(tmp_path) -> dict:
    return {"BROWSER_PATH": str(tmp_path / "no-chromium"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_build_without_chromium_stops_with_one_line(tmp_path):
    result = build_site(tmp_path / "site", "http://127.0.0.1:1/", env={**os.environ, **without_chromium(tmp_path)})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "no Chromium to draw the charts" in errors[0], result.stderr[-3000:]
    assert "kaleido_get_chrome" not in result.stderr  # no download advice: the README says what to install


def test_serve_without_chromium_previews_with_plotly(package_copy, tmp_path, browser):
    log = tmp_path / "serve.log"
    with preview(package_copy, log, **without_chromium(tmp_path)) as site:
        url = site + "timeline/"
        assert wait_for(url, "Preview:", 120), log.read_text()
        html = get(url)
        assert 'class="chart-static"' not in html and "data-chart=" in html
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#chart-timeline[data-drawn] svg.main-svg", state="attached")
        assert page.locator(".chart-preview").first.is_visible()
        page.close()
        # A rebuild after an edit previews again, without saying so again.
        set_cell(package_copy, "figures", "cao-centres", "note", "Corrected in a preview.")
        assert wait_for(site + "figures/cao-centres/", "Corrected in a preview.", 120)
    warnings = [line for line in log.read_text().splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "No Chromium" in warnings[0], log.read_text()
    assert "Traceback" not in log.read_text()
