"""Shared fixtures: the real package, mutable copies of it, and (later) the built site."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from scripts.paths import PACKAGE_DIR, ROOT

# Property tests: 60 examples each in `make test`; `make check` asks for the "check" profile
# (`--hypothesis-profile=check`): fewer, as derandomized as the full run, for a fast loop.
settings.register_profile("full", max_examples=60)
settings.register_profile("check", max_examples=8)
settings.load_profile("full")


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


def small_package(tmp_path: Path, keep: dict[str, list[str] | None]) -> Path:
    """A copy of the package cut down to a few rows, to test a rule on one row (returns its
    descriptor): only the tables `keep` names, each with the rows of those ids (None: every row),
    and no foreign key to a table left out.

    The real validator runs on it, the same path as `make validate`. Frictionless's cost grows with
    the tables and their lookups, not with the rules: the full package takes a quarter of a second,
    one row alone a few hundredths. So a rule of one row is tested here, case by case, and once
    per family on the full package (its FILE:LINE: FIELD wiring, its lookups across tables)."""
    from scripts.intake.descriptor import parse, read_text

    descriptor = parse(read_text(PACKAGE_DIR / "datapackage.json"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in keep]
    for r in descriptor["resources"]:
        fks = [
            fk for fk in r["schema"].pop("foreignKeys", []) if (fk["reference"].get("resource") or r["name"]) in keep
        ]
        if fks:
            r["schema"]["foreignKeys"] = fks
    target = tmp_path / "datapackage"
    # The operative phrases and the reviewed wording are read against the commitments: only with them.
    skip = {"data", "releases"} | (
        set() if "commitments" in keep else {"operative-phrases.csv", "reviewed-wording.csv"}
    )
    shutil.copytree(PACKAGE_DIR, target, ignore=lambda folder, files: [f for f in files if f in skip])
    (target / "data").mkdir()
    for r in descriptor["resources"]:
        header, rows = read_table(PACKAGE_DIR / r["path"])
        if keep[r["name"]] is not None:
            id_col = 0 if r["name"] == "documents" else 1
            rows = [row for key in keep[r["name"]] for row in rows if row[id_col] == key]
            assert len(rows) == len(keep[r["name"]]), f"{r['name']}: not every row of {keep[r['name']]}"
        write_table(target / r["path"], header, rows)
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return target / "datapackage.json"


# What the commitments' rules read: their quotes' paragraphs and source, figures, the annex's date.
COMMITMENT_TABLES = {"documents": None, "paragraphs": None, "figures": None, "commitments": None}


@pytest.fixture
def row_package(tmp_path: Path):
    """`row_package(table, key)`: a package of that one row (`small_package`); returns its descriptor."""
    return lambda table, key: small_package(tmp_path, {table: [key]})


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
    from scripts.intake.package import read_csv

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
    descriptor: Path, file: str, line: int | None, field: str, words: str = "", only: bool = False, report=None
) -> list[str]:
    """The validator rejects the package with `FILE:LINE: FIELD: …words…`; returns every problem line.

    `file` is a table name ("figures" for data/figures.csv) or a path's tail ("datapackage.json",
    "checks/operative-phrases.csv"); `line` None matches any line; with `only`, nothing else is
    reported (a file that cannot be read must not drag the other files into its report). Runs in
    process: the command line's exit code and format have tests of their own (test_validate.py).
    `report`: the package's report, when a test asks about several problems of one validation."""
    from scripts.intake.validate import validate

    if "/" not in file and not file.endswith((".json", ".csv")):
        file = f"data/{file}.csv"
    report = report or validate(descriptor)
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
import fcntl
import os
import subprocess
import sys
import tempfile
from http.server import ThreadingHTTPServer
from urllib.parse import urlparse

from tools import serving
from tools.serving import free_port, serve, site_pages  # noqa: F401 (tests import them from here)

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


def build_site(
    site_dir: Path, site_url: str, package_dir: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    return serving.build(site_dir, site_url, package_dir, env=env)


# The real site is built once per run, the first time a test asks for it: unit and validator tests
# never do. The process that runs the session (with pytest-xdist, the controller) only picks the
# address and serves the folder, which costs nothing; the first worker to ask for the site builds
# it there, under a lock, and the others wait for it and read what it wrote.
SHARED_SITE = "ANNEX_TEST_SITE"
_server: ThreadingHTTPServer | None = None


def pytest_configure(config):
    global _server
    if hasattr(config, "workerinput") or os.environ.get(SHARED_SITE):
        return  # a worker, or a run inside a run: the address is already there
    port, work = free_port(), Path(tempfile.mkdtemp(prefix="annex-site-"))
    _server = serve(work / "site", port)
    os.environ[SHARED_SITE] = json.dumps({"port": port, "work": str(work)})


def pytest_unconfigure(config):
    if _server is not None and not hasattr(config, "workerinput"):
        _server.shutdown()
        shutil.rmtree(json.loads(os.environ.pop(SHARED_SITE))["work"], ignore_errors=True)


@pytest.fixture(scope="session")
def _shared_site() -> dict:
    shared = json.loads(os.environ[SHARED_SITE])
    work = Path(shared["work"])
    record = work / "site.json"
    with open(work / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            from scripts.build import LOG  # its loads logged too: a test counts them (`build_loads`)

            loads = work / "loads.log"
            url, env = f"http://127.0.0.1:{shared['port']}/", {**os.environ, LOG: str(loads)}
            result = build_site(work / "site", url, env=env)
            built = {"log": result.stderr} if result.returncode == 0 else {"error": result.stderr[-3000:]}
            built["loads"] = loads.read_text(encoding="utf-8").splitlines() if loads.exists() else []
            record.write_text(json.dumps(built), encoding="utf-8")
    built = json.loads(record.read_text(encoding="utf-8"))
    assert "error" not in built, built["error"]
    return {**shared, **built, "dir": str(work / "site")}


@pytest.fixture(scope="session")
def site_port(_shared_site) -> int:
    return _shared_site["port"]


@pytest.fixture(scope="session")
def build_log(_shared_site) -> str:
    """What `mkdocs build` printed when it built the shared site."""
    return _shared_site["log"]


@pytest.fixture(scope="session")
def build_loads(_shared_site) -> list[str]:
    """What the build of the shared site logged (scripts/build.py's LOG): each load of the package
    and each opening of the working tree's descriptor."""
    return _shared_site["loads"]


@pytest.fixture(scope="session")
def site_dir(_shared_site) -> Path:
    """The real site, built once per run from the real package."""
    return Path(_shared_site["dir"])


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


# Views a browser test can ask `page` for: `@pytest.mark.parametrize("page", VIEWS, indirect=True)`,
# or a subset; without that, light at desktop width.
VIEWS = [f"{scheme}-{viewport}" for scheme in ("light", "dark") for viewport in ("desktop", "phone")]


@pytest.fixture
def page(request, browser):
    """A fresh page in its own context, at one view ("light-desktop", "dark-phone", …). It records
    console errors and warnings and uncaught errors (`page.problems`) and the hosts it asked
    (`page.hosts`); `page.scheme` and `page.viewport` say which view it is."""
    from quality_helpers import DESKTOP, PHONE

    scheme, viewport = getattr(request, "param", "light-desktop").split("-")
    context = browser.new_context(viewport={"desktop": DESKTOP, "phone": PHONE}[viewport], color_scheme=scheme)
    pg = context.new_page()
    pg.scheme, pg.viewport, pg.problems, pg.hosts = scheme, pg.viewport_size, [], set()
    pg.on(
        "console",
        lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda err: pg.problems.append(f"page error: {err}"))
    pg.on("request", lambda r: pg.hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
    yield pg
    context.close()


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject's addopts) starts a worker per core, which costs more than one test
    takes: a run of named tests only (`pytest tests/model/test_utils.py::test_rel`) stays in this
    process; anything else gets the default, a worker per core."""
    if config.args and all("::" in arg for arg in config.args):
        return 0
    return None


# Each test is in one layer, by what it uses, so that a run can pick the fast ones (`make check`
# runs `-m "not build and not browser and not tool"`): `browser` drives Chromium through Playwright;
# `build` builds a site (through a fixture in BUILDS, or its own: such tests carry the mark
# themselves) or draws charts; `tool` runs the project's own commands (make, the release and diff
# tools) in a throwaway git clone, as a maintainer does; `data` reads and validates the package or a
# copy of it (marked by module); `unit` is everything else.
LAYERS = ("browser", "build", "tool", "data", "unit")
BUILDS = {"_shared_site", "hostile_site", "scaled"}  # fixtures that build a site
TOOLS = {"clone"}  # the fixture every test of a command in a clone starts from (tests/diff_fixtures.py)


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        uses = set(item.fixturenames)
        if uses & {"browser", "page"}:
            item.add_marker(pytest.mark.browser)
        elif uses & BUILDS:
            item.add_marker(pytest.mark.build)
        elif uses & TOOLS:
            item.add_marker(pytest.mark.tool)
        elif not any(item.get_closest_marker(name) for name in LAYERS):
            item.add_marker(pytest.mark.unit)


# site.js has run on the page (it marks the document when it has).
SITE_READY = "() => document.documentElement.dataset.siteReady === 'true'"


def explore_chart(page, chart_id: str) -> None:
    """Ask for a chart's interactive version, as a reader does (its button), and wait for plotly.js."""
    button = page.locator(f'[data-explore="chart-{chart_id}"]')
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_selector(f"#chart-{chart_id}[data-drawn] svg.main-svg", state="attached")
