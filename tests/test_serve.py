"""`mkdocs serve` alone regenerates the site from the CSVs: editing a CSV updates the page."""

import os
import subprocess
import time
import urllib.request

import pytest
from conftest import BIN, free_port, set_cell

from scripts.paths import ROOT

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


def test_editing_a_csv_while_serving_updates_the_page(package_copy):
    port = free_port()
    env = {
        **os.environ,
        "ANNEX_DATAPACKAGE": str(package_copy.parent),
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
    }
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/figures/cao-centres/"
        assert wait_for(url, "reception and guidance centres", 120), "mkdocs serve did not start"
        set_cell(package_copy, "figures", "cao-centres", "note", "Corrected while the site was being served.")
        assert wait_for(url, "Corrected while the site was being served.", 120)
    finally:
        server.terminate()
        server.wait(timeout=30)
