"""`mkdocs serve` alone regenerates the site from the CSVs: editing a CSV updates the page, and a
save that breaks the data shows the validator's messages on the page instead of hanging it."""

import os
import subprocess
import time
import urllib.request

from conftest import BIN, free_port, set_cell

from scripts.paths import ROOT


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


def start_preview(package_copy, port: int) -> subprocess.Popen:
    """`mkdocs serve` as `make serve` runs it, on a free port, building from a copy of the package."""
    env = {
        **os.environ,
        "ANNEX_DATAPACKAGE": str(package_copy.parent),
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }
    return subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_editing_a_csv_while_serving_updates_the_page(package_copy):
    port = free_port()
    server = start_preview(package_copy, port)
    try:
        url = f"http://127.0.0.1:{port}/figures/cao-centres/"
        assert wait_for(url, "reception and guidance centres", 120), "mkdocs serve did not start"
        set_cell(package_copy, "figures", "cao-centres", "note", "Corrected while the site was being served.")
        assert wait_for(url, "Corrected while the site was being served.", 120)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_save_that_breaks_the_data_shows_why_on_the_page_and_the_next_save_recovers(package_copy):
    port = free_port()
    server = start_preview(package_copy, port)
    try:
        url = f"http://127.0.0.1:{port}/figures/cao-centres/"
        assert wait_for(url, "reception and guidance centres", 120), "mkdocs serve did not start"
        events = package_copy.parent / "data" / "events.csv"
        good = events.read_bytes()
        # A date as a corrector might type it, with markup in it: the message quotes it, escaped.
        line = set_cell(package_copy, "events", "valletta-summit", "date", "<b>11/11/2015</b>")
        # Every request answers (get() gives up after 10 s): no waiting on a build that failed.
        assert wait_for(url, "The data is invalid", 120), "no banner after a save that broke the data"
        page = get(url)
        assert f"data/events.csv:{line}: date: type-error: &#39;&lt;b&gt;11/11/2015&lt;/b&gt;&#39;" in page
        assert "<b>11/11/2015" not in page
        assert "reception and guidance centres" in page  # the last data that passed, still served
        assert "The data is invalid" in get(f"http://127.0.0.1:{port}/")  # on every page
        events.write_bytes(good)
        end = time.monotonic() + 120
        while "The data is invalid" in get(url) and time.monotonic() < end:
            time.sleep(0.5)
        assert "The data is invalid" not in get(url) and "reception and guidance centres" in get(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
