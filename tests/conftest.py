"""Shared fixtures: the real package, mutable copies of it, and (later) the built site."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from scripts.paths import PACKAGE_DIR, ROOT


def tree_digest(folder: Path) -> str:
    """One hash over every file of a folder, to prove a test left the real files alone."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def real_package_untouched():
    """Fails the run if any test wrote to the real data package."""
    before = tree_digest(PACKAGE_DIR)
    yield
    assert tree_digest(PACKAGE_DIR) == before, "a test modified datapackage/"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the real package; returns its descriptor."""
    target = tmp_path / "datapackage"
    shutil.copytree(PACKAGE_DIR, target)
    return target / "datapackage.json"


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def csv_line_of(path: Path, index: int) -> int:
    """The physical line on which record `index` (0-based, after the header) starts."""
    from scripts.package import read_csv

    return read_csv(path)[index].line


def set_cell(descriptor: Path, table: str, key: str, field: str, value: str) -> int:
    """Set one cell of the row whose first-id column equals `key`; returns that row's CSV line."""
    path = descriptor.parent / "data" / f"{table}.csv"
    header, rows = read_table(path)
    id_col = 0 if table == "documents" else 1
    index = next(i for i, row in enumerate(rows) if row[id_col] == key)
    rows[index][header.index(field)] = value
    write_table(path, header, rows)
    return csv_line_of(path, index)


def assert_rejected(
    descriptor: Path, file: str, line: int | None, field: str, words: str = "", only: bool = False
) -> list[str]:
    """The validator rejects the package with `FILE:LINE: FIELD: …words…`; returns every problem line.

    `file` is a table name ("figures" for data/figures.csv) or a path's tail ("datapackage.json",
    "checks/operative-phrases.csv"); `line` None matches any line; with `only`, nothing else is
    reported (a file that cannot be read must not drag the other files into its report). Runs in
    process: the command line's exit code and format have tests of their own (test_validate.py)."""
    from scripts.validate import validate

    if "/" not in file and not file.endswith((".json", ".csv")):
        file = f"data/{file}.csv"
    report = validate(descriptor)
    lines = [str(p) for p in report.problems]
    assert not report.valid, "the package was accepted"
    hits = [
        str(p)
        for p in report.problems
        if p.path.endswith(file) and (line is None or p.line == line) and p.field == field and words in p.message
    ]
    assert hits, f"expected {file}:{line or 'LINE'}: {field}: …{words}…; got:\n" + "\n".join(lines)[:3000]
    if only:
        assert all(p.path.endswith(file) and p.line == line for p in report.problems), "\n".join(lines)[:3000]
    return "\n".join(lines)


__all__ = ["ROOT", "read_table", "write_table", "set_cell", "csv_line_of", "tree_digest"]


# -- the built site ---------------------------------------------------------------------------
import json
import os
import subprocess
import sys
import tempfile
from http.server import ThreadingHTTPServer

from scripts import serving
from scripts.serving import free_port, serve, site_pages  # noqa: F401 (tests import them from here)

BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build_site(site_dir: Path, site_url: str, package_dir: Path | None = None) -> subprocess.CompletedProcess:
    return serving.build(site_dir, site_url, package_dir)


# The real site is built once per run, and served once, by the process that runs the session (with
# pytest-xdist, the controller): every worker gets the same folder and address through SHARED_SITE.
SHARED_SITE = "ANNEX_TEST_SITE"
_server: ThreadingHTTPServer | None = None


def pytest_configure(config):
    global _server
    if hasattr(config, "workerinput") or os.environ.get(SHARED_SITE):
        return  # a worker, or a run inside a run: the site is already there
    port = free_port()
    target = Path(tempfile.mkdtemp(prefix="annex-site-"))
    result = build_site(target, f"http://127.0.0.1:{port}/")
    if result.returncode == 0:
        _server = serve(target, port)
        os.environ[SHARED_SITE] = json.dumps({"port": port, "dir": str(target), "log": result.stderr})
    else:
        os.environ[SHARED_SITE] = json.dumps({"error": result.stderr[-3000:]})


def pytest_unconfigure(config):
    if _server is not None and not hasattr(config, "workerinput"):
        _server.shutdown()
        shutil.rmtree(_server.RequestHandlerClass.keywords["directory"], ignore_errors=True)
        os.environ.pop(SHARED_SITE, None)


def shared_site() -> dict:
    site = json.loads(os.environ[SHARED_SITE])
    assert "error" not in site, site.get("error")
    return site


@pytest.fixture(scope="session")
def site_port() -> int:
    return shared_site()["port"]


@pytest.fixture(scope="session")
def build_log() -> str:
    """What `mkdocs build` printed when it built the shared site."""
    return shared_site()["log"]


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The real site, built once per run from the real package."""
    return Path(shared_site()["dir"])


@pytest.fixture(scope="session")
def base_url(site_dir, site_port):
    """The built site served on 127.0.0.1, as a browser sees it."""
    return f"http://127.0.0.1:{site_port}/"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


# site.js has run on the page (it marks the document when it has).
SITE_READY = "() => document.documentElement.dataset.siteReady === 'true'"


def explore_chart(page, chart_id: str) -> None:
    """Ask for a chart's interactive version, as a reader does (its button), and wait for plotly.js."""
    button = page.locator(f'[data-explore="chart-{chart_id}"]')
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_selector(f"#chart-{chart_id}[data-drawn] svg.main-svg", state="attached")
