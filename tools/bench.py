"""Benchmarks (`make bench`): the maintainer's loop, build and validation times, how they grow, and
Lighthouse scores.

Prints numbers and asserts nothing about them; the raw numbers go to bench-results/bench.json.

0. The maintainer's loop: seconds from saving a CSV under `mkdocs serve` to the page showing it
   (median of 10 edits, with the server's CPU seconds; `--edit-only` runs this part alone);
   `make check`, and one unit test run alone, each typed as a maintainer types it (median of 3
   runs, with its CPU seconds, which a busy machine changes less); and `make test` once in a fresh
   clone of the last commit, .venv and node_modules included.
1. A full `mkdocs build --strict` of the real site, and a rebuild after one CSV edit (a copy of
   the package, ANNEX_DATAPACKAGE pointing at it: built once, one note edited, built again); and
   the CPU time of the build against a bare mkdocs-material build of the same pages (the docs and
   every record page as plain Markdown, no macros, no hooks), as a median ratio of paired runs.
2. Synthetic packages (tools/synthetic.py) at 1×, 3×, 10× and 100×: validate() time, time to
   render the biggest pages with scripts/site/render.py alone, build time, rows, pages and the largest
   page. A step is given up after --build-timeout seconds, and not started when the previous
   scale's time, grown linearly (a lower bound), exceeds twice that.
3. Lighthouse mobile, three runs a page (the median is reported), on one page of each kind of the
   real site, and on the list pages of the largest synthetic site, served on 127.0.0.1 by a small
   server that gzips text responses, as GitHub Pages does; with each page's first-load weight.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scripts import build, kinds
from scripts.paths import PACKAGE_DIR, ROOT
from scripts.site import render
from tools import serving, synthetic
from tools.serving import free_port, serve

BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench-results" / "bench.json"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
# One page of each kind. Record pages with a chart: the figure page shows its comparison chart.
PAGES = {
    "home": "",
    "annex": "annex/",
    "commitments": "commitments/",
    "figures": "figures/",
    "timeline": "timeline/",
    "glossary": "glossary/",
    "data": "data/",
    "figure page": "figures/networks-dismantled-2015/",
    "commitment page": "commitments/1a-pursue-port-tunnel-security/",
}
# The list pages, measured again on the 100× synthetic site.
LIST_PAGES = {k: PAGES[k] for k in ("commitments", "figures", "glossary", "timeline")}
RUNS = 3  # Lighthouse runs per page: the median is reported
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


# -- building ---------------------------------------------------------------------------------
def mkdocs_build(
    site_dir: Path, site_url: str, package_dir: Path | None = None, timeout: float | None = None
) -> tuple[float | None, str]:
    """Seconds for one `mkdocs build --strict` (None when it failed or ran out of time)."""
    start = time.perf_counter()
    try:
        result = serving.build(site_dir, site_url, package_dir, timeout)
    except subprocess.TimeoutExpired:
        return None, f"gave up after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    if result.returncode:
        return None, "build failed: " + result.stderr.strip().splitlines()[-1][:200]
    return seconds, ""


def site_pages(site: Path) -> list[Path]:
    """HTML files of a built site's pages (the data downloads excluded)."""
    return [site / p / "index.html" for p in serving.site_pages(site)]


def largest(pages: list[Path], site: Path) -> tuple[str, int]:
    page = max(pages, key=lambda p: p.stat().st_size)
    return str(page.relative_to(site)), page.stat().st_size


def set_note(descriptor: Path, text: str) -> None:
    """Edit one cell: the note of the first figure (what a small correction looks like)."""
    path = descriptor.parent / "data" / "figures.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("note")] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def bench_real_site(work: Path, site_url: str) -> dict:
    site = work / "site"
    full, error = mkdocs_build(site, site_url)
    pages = site_pages(site) if full else []
    copy = work / "edit" / "datapackage"
    shutil.copytree(PACKAGE_DIR, copy)
    first, _ = mkdocs_build(work / "edit-site", site_url, copy)
    set_note(copy / "datapackage.json", "Edited for the benchmark: one cell changed.")
    second, error2 = mkdocs_build(work / "edit-site", site_url, copy)
    out = {
        "full_build_s": full,
        "first_build_of_copy_s": first,
        "rebuild_after_edit_s": second,
        "pages": len(pages),
        "error": error or error2,
    }
    if pages:
        out["largest_page"], out["largest_page_bytes"] = largest(pages, site)
    return out


BARE_CONFIG = """site_name: bare
site_url: {site_url}
theme:
  name: material
  custom_dir: {overrides}
  font: false
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
plugins:
  - search
"""


def cpu_seconds(command: list[str], cwd: Path, env: dict) -> float:
    """User plus system CPU seconds of one child process (and its children)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_against_bare_material(work: Path, site_url: str, runs: int = 3) -> dict:
    """CPU time of the real build over a bare mkdocs-material build of the same pages, paired runs."""
    bare = work / "bare"
    shutil.copytree(ROOT / "docs", bare / "docs")
    made = build.current()
    made.draw()
    for src, content in made.pages(site_url, "").items():  # the generated pages, as plain Markdown too
        target = bare / "docs" / src
        if target.exists():
            continue  # a list's first page that docs/ writes (hooks/build.py)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    (bare / "mkdocs.yml").write_text(BARE_CONFIG.format(site_url=site_url, overrides=ROOT / "overrides"))
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("ANNEX_DATAPACKAGE", None)
    ours_cmd = [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(work / "ours-site")]
    bare_cmd = [str(BIN / "mkdocs"), "build", "--site-dir", str(work / "bare-site")]
    pairs = []
    for _ in range(runs):  # A B A B …: a ratio per pair holds when the machine's speed drifts
        ours = cpu_seconds(ours_cmd, ROOT, env)
        plain = cpu_seconds(bare_cmd, bare, env)
        pairs.append((ours, plain, ours / plain))
    median = sorted(pairs, key=lambda p: p[2])[len(pairs) // 2]
    return {
        "ours_cpu_s": median[0],
        "bare_cpu_s": median[1],
        "ratio": median[2],
        "runs": runs,
        "pages": sum(1 for _ in (bare / "docs").rglob("*.md")),
    }


# -- the maintainer's loop --------------------------------------------------------------------
EDITS = 10  # CSV edits under `mkdocs serve`: the median time to the page is reported
UNIT_TEST = "tests/model/test_utils.py::test_rel"


def wait_for_text(url: str, text: str, seconds: float, interval: float = 0.02) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return True
        except OSError:
            pass
        time.sleep(interval)
    return False


def bench_edit_to_page(work: Path, edits: int = EDITS) -> dict:
    """Seconds from saving a CSV under `mkdocs serve` to the page showing the change, `edits` times:
    the first figure's note, on a copy of the package, its page polled every 20 ms."""
    copy = work / "serve" / "datapackage"
    shutil.copytree(PACKAGE_DIR, copy)
    with (copy / "data" / "figures.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))["figure_id"]
    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    url = f"{site_url}figures/{first}/"
    env = {**os.environ, "ANNEX_DATAPACKAGE": str(copy), "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    times: list[float] = []
    cpus: list[float] = []
    try:
        if not wait_for_text(url, first, 180, 0.2):
            return {"error": "mkdocs serve did not start"}
        for i in range(edits):
            time.sleep(1)  # the previous rebuild settles
            text = f"Benchmark edit {i} at {time.time():.0f}."
            cpu = cpu_of(server.pid)
            set_note(copy / "datapackage.json", text)
            start = time.perf_counter()
            if not wait_for_text(url, text, 60):
                return {"error": f"edit {i} never reached the page", "seconds": times}
            times.append(time.perf_counter() - start)
            cpus.append(cpu_of(server.pid) - cpu)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "median_s": sorted(times)[len(times) // 2],
        "min_s": min(times),
        "max_s": max(times),
        "edits": len(times),
        # The server's CPU seconds from the save to the page: what other work on the machine does not inflate.
        "cpu_median_s": sorted(cpus)[len(cpus) // 2],
    }


def cpu_of(pid: int) -> float:
    """A process's CPU seconds so far, all its threads (Linux's /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# What a maintainer types, in a shell of their own: not make's variables from `make bench` (a
# recipe's MAKEFLAGS or MAKELEVEL would make `make check` a sub-make of this one).
USER_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
LOOP_RUNS = 3  # runs of `make check` and of one unit test: the median is reported


def timed(command: list[str], runs: int = LOOP_RUNS) -> dict:
    """Wall-clock seconds of `runs` runs of `command` from the checkout, as a maintainer runs it:
    the median, the fastest and the slowest, and the CPU seconds of the median run (the same work
    on a busy machine). An error instead if a run fails."""
    times: list[tuple[float, float]] = []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=USER_ENV, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        after = os.times()
        if result.returncode:
            lines = (result.stdout + result.stderr).strip().splitlines() or ["?"]
            return {"error": "failed: " + lines[-1][:200]}
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        times.append((seconds, cpu))
    times.sort()
    median = times[len(times) // 2]
    return {"median_s": median[0], "cpu_s": median[1], "min_s": times[0][0], "max_s": times[-1][0], "runs": runs}


def bench_loop(work: Path, edit_only: bool = False) -> dict:
    """The maintainer's inner loop: `make check`, one unit test alone, and edit to page."""
    out = {"edit_to_page": bench_edit_to_page(work)}
    if edit_only:
        return out
    out["make_check"] = timed(["make", "check"])
    out["unit_test"] = timed([str(BIN / "python"), "-m", "pytest", "-q", UNIT_TEST])
    return out


def bench_fresh_clone(work: Path) -> dict:
    """`make test` in a fresh clone of this checkout's last commit, as CI runs it: .venv and
    node_modules created from the lock files (from the package registries, or the local caches),
    then every test. Once: it takes minutes. A clone holds committed files only. The set-up is
    timed apart (`make install-test`, which `make test` runs first), and so is the machine's CPU:
    Chromium's processes are nobody's waited-for children, so only the machine's own count (Linux's
    /proc/stat) shows how busy both cores were."""
    clone = work / "fresh"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, env=USER_ENV)
    busy, start = machine_cpu(), time.perf_counter()
    setup = subprocess.run(["make", "install-test"], cwd=clone, env=USER_ENV, capture_output=True, check=False)
    installed = time.perf_counter()
    result = subprocess.run(["make", "test"], cwd=clone, env=USER_ENV, capture_output=True, text=True, check=False)
    end, busy_after = time.perf_counter(), machine_cpu()
    lines = (result.stdout + result.stderr).strip().splitlines() or ["?"]
    summary = next((line for line in reversed(lines) if " passed" in line or " failed" in line), lines[-1])
    shutil.rmtree(clone, ignore_errors=True)
    out = {"seconds": end - start, "setup_s": installed - start, "summary": summary.strip("= ")[:200]}
    if busy and busy_after:
        out["machine_busy_share"] = (busy_after[0] - busy[0]) / ((busy_after[1] - busy[1]) or 1)
    if setup.returncode != 0:
        return {**out, "error": "make install-test failed"}
    return out if result.returncode == 0 else {**out, "error": "failed: " + out["summary"]}


def machine_cpu() -> tuple[float, float] | None:
    """(busy, all) CPU time of the whole machine so far, in ticks, or None where Linux's count is missing."""
    try:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle and waiting for input or output
    return sum(ticks) - idle, sum(ticks)


# -- growth -----------------------------------------------------------------------------------
def rendered_sizes(descriptor: Path) -> dict[str, int]:
    """The biggest generated pages' HTML, rendered directly (no MkDocs): known even when a build
    is too slow to finish."""
    site = build.site(descriptor)
    return {
        "annex": len(render.annex(site.main, "annex/", site.document["document_id"])),
        "glossary": len(render.record_list(site, "terms", "glossary/")),
        "timeline": len(render.record_list(site, "events", "timeline/")),
        "figures": len(render.record_list(site, "figures", "figures/")),
    }


def render_in_child(descriptor: Path, timeout: float) -> tuple[dict | None, float | None, str]:
    """rendered_sizes() in a child process, so that it can be given up like a build."""
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tools.bench", "--rendered-sizes", str(descriptor)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, None, f"gave up after {timeout:.0f} s"
    if result.returncode:
        return None, None, "failed: " + (result.stderr.strip().splitlines() or ["?"])[-1][:200]
    return json.loads(result.stdout), time.perf_counter() - start, ""


def projected(previous: dict | None, scale: int, key: str) -> float | None:
    """A lower bound for a step at `scale`: the previous scale's time, grown linearly (every
    measured step grows at least linearly with the number of rows). A step is not started when
    this bound exceeds twice the timeout: it could not finish, and trying would cost the timeout."""
    if previous and previous.get(key):
        return previous[key] * scale / previous["scale"]
    return None


def bench_scale(
    scale: int,
    work: Path,
    site_url: str,
    timeout: float,
    previous: dict | None,
    always_try: bool = False,
    lighthouse_port: int | None = None,
) -> dict:
    from scripts.intake.validate import validate

    package = work / f"synthetic-{scale}"
    descriptor = synthetic.generate(scale, package)
    start = time.perf_counter()
    report = validate(descriptor)
    validate_s = time.perf_counter() - start
    site = build.site(descriptor)
    out = {
        "scale": scale,
        "valid": report.valid,
        "rows": report.rows,
        "validate_s": validate_s,
        "record_pages": sum(len(site.rows(k.table)) for k in kinds.with_pages()),
        "csv_bytes": sum(p.stat().st_size for p in (package / "data").glob("*.csv")),
    }
    for key, error_key, run in (
        ("render_s", "render_error", lambda: render_in_child(descriptor, timeout)),
        ("build_s", "build_error", lambda: (None, *mkdocs_build(work / f"site-{scale}", site_url, package, timeout))),
    ):
        bound = None if always_try else projected(previous, scale, key)
        if bound and bound > 2 * timeout:
            out[key], out[error_key] = None, f"not run: ≥ {bound:.0f} s projected"
            continue
        sizes, out[key], out[error_key] = run()
        if sizes:
            out["rendered_bytes"] = sizes
    site_dir = work / f"site-{scale}"
    if out["build_s"]:
        pages = site_pages(site_dir)
        out["pages"] = len(pages)
        out["largest_page"], out["largest_page_bytes"] = largest(pages, site_dir)
        if lighthouse_port:
            print(f"  lighthouse on the {scale}× list pages…", flush=True)
            out["lighthouse"] = bench_lighthouse(site_dir, lighthouse_port, work, LIST_PAGES)
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.rmtree(package, ignore_errors=True)
    return out


# -- serving, gzipped -------------------------------------------------------------------------
# -- Lighthouse -------------------------------------------------------------------------------
def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run, mobile (its default: a slow phone on a slow network)."""
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": CHROME},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode or not out.exists():
        return {"error": (result.stderr.strip().splitlines() or ["lighthouse failed"])[-1][:300]}
    data = json.loads(out.read_text(encoding="utf-8"))
    audits = data["audits"]
    scores = {
        c: round(100 * data["categories"][c]["score"]) if data["categories"][c]["score"] is not None else None
        for c in CATEGORIES
    }
    failing = {}
    for c in CATEGORIES:
        refs = data["categories"][c]["auditRefs"]
        misses = [
            (r["weight"], r["id"])
            for r in refs
            if audits[r["id"]].get("score") is not None
            and audits[r["id"]]["score"] < 0.9
            and audits[r["id"]].get("scoreDisplayMode") not in ("informative", "notApplicable", "manual")
        ]
        failing[c] = [
            f"{i} ({audits[i].get('displayValue') or audits[i]['score']})" for _, i in sorted(misses, reverse=True)
        ]
    return {
        "scores": scores,
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "transfer_bytes": audits.get("total-byte-weight", {}).get("numericValue"),
        "lcp_element": next(
            (
                i.get("selector")
                for i in (audits.get("lcp-breakdown-insight", {}).get("details") or {}).get("items", [])
                if i.get("type") == "node"
            ),
            None,
        ),
        "benchmark_index": data.get("environment", {}).get("benchmarkIndex"),
        "failing": failing,
        "lighthouse": data.get("lighthouseVersion"),
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score, with each score the median of its category."""
    good = [r for r in runs if "scores" in r]
    if not good:
        return runs[-1]
    by_perf = sorted(good, key=lambda r: (r["scores"]["performance"] or 0, r["tbt_ms"]))
    out = dict(by_perf[len(by_perf) // 2])
    out["scores"] = {c: sorted(r["scores"][c] or 0 for r in good)[len(good) // 2] for c in CATEGORIES}
    out["runs"] = len(good)
    return out


def bench_lighthouse(site: Path, port: int, work: Path, pages: dict[str, str] = PAGES, runs: int = RUNS) -> dict:
    """Lighthouse mobile, `runs` times per page, served with gzip; the median run of each page."""
    server = serve(site, port)
    results = {}
    try:
        for name, path in pages.items():
            each = [
                lighthouse(
                    f"http://127.0.0.1:{port}/{path}",
                    work / f"lh-{path.strip('/').replace('/', '_') or 'home'}-{i}.json",
                )
                for i in range(runs)
            ]
            r = results[f"{name}|mobile"] = median_run(each)
            print(
                f"  lighthouse mobile {name:17} "
                + (" ".join(f"{c[:4]} {r['scores'][c]}" for c in CATEGORIES) if "scores" in r else r["error"])
                + (f"  {r['transfer_bytes'] / 1024:.0f} KiB" if r.get("transfer_bytes") else ""),
                flush=True,
            )
    finally:
        server.shutdown()
    return results


# -- report -----------------------------------------------------------------------------------
def seconds(value: float | None, error: str = "") -> str:
    return f"{value:.1f} s" if value is not None else (error or "—")


def runs(timing: dict) -> str:
    if "error" in timing:
        return timing["error"]
    return (
        f"{timing['median_s']:.1f} s median of {timing['runs']} (min {timing['min_s']:.1f}, "
        f"max {timing['max_s']:.1f}; {timing['cpu_s']:.0f} s of CPU)"
    )


def kb(n: int | None) -> str:
    return f"{n / 1024:,.0f} KB" if n else "—"


def print_tables(results: dict) -> None:
    real = results.get("real_site", {})
    print(
        f"\n{results['cpus']} CPUs; load average {results['load_average_at_start'][0]:.1f} at the start, "
        f"{results['load_average_at_end'][0]:.1f} at the end (other work on the machine slows every number)"
    )
    loop = results.get("loop")
    if loop:
        edit = loop["edit_to_page"]
        print("\nThe maintainer's loop (targets in brackets)")
        print(
            "  edit a CSV to the page, under make serve  "
            + (
                f"{edit['median_s']:.2f} s median of {edit['edits']} (min {edit['min_s']:.2f}, "
                f"max {edit['max_s']:.2f}; {edit['cpu_median_s']:.2f} s of the server's CPU)"
                if "median_s" in edit
                else edit["error"]
            )
            + "  [≤ 1 s]"
        )
        if "make_check" in loop:
            print(f"  make check                               {runs(loop['make_check'])}  [≤ 30 s]")
            print(f"  one unit test ({UNIT_TEST})  {runs(loop['unit_test'])}  [≤ 2 s]")
    fresh = results.get("fresh")
    if fresh:
        print(
            f"  make test in a fresh clone               {fresh.get('error') or seconds(fresh['seconds'])}"
            f" (set-up {seconds(fresh['setup_s'])}; {fresh['summary']}"
            + (f"; both cores {fresh['machine_busy_share']:.0%} busy" if "machine_busy_share" in fresh else "")
            + ")  [≤ 4 min]"
        )
    if not real:
        return print_growth(results)
    print("\nBuild of the real site")
    print(
        f"  full build (mkdocs build --strict)   {seconds(real.get('full_build_s'), real.get('error'))}"
        f"   {real.get('pages', 0)} pages, largest {real.get('largest_page', '—')} {kb(real.get('largest_page_bytes'))}"
    )
    print(
        f"  rebuild after one CSV edit           {seconds(real.get('rebuild_after_edit_s'))}"
        f"   (first build of the copy {seconds(real.get('first_build_of_copy_s'))})"
    )
    bare = results.get("bare_material")
    if bare:
        print(
            f"  CPU time against bare mkdocs-material, same {bare['pages']} pages: "
            f"{bare['ours_cpu_s']:.1f} s / {bare['bare_cpu_s']:.1f} s = {bare['ratio']:.2f}× "
            f"(median ratio of {bare['runs']} paired runs)"
        )
    print_growth(results)


def print_growth(results: dict) -> None:
    if results.get("scales"):
        print("\nSynthetic packages (N documents, each a copy of the annex with its records)")
        print(
            f"  {'scale':>5} {'rows':>7} {'CSV':>9} {'validate':>9} {'render*':>26} {'build':>30} {'pages':>6} "
            f"{'largest page':>30}  {'annex HTML*':>11}"
        )
        for s in results["scales"]:
            page = f"{s['largest_page']} {kb(s['largest_page_bytes'])}" if s.get("largest_page") else "—"
            annex = kb(s.get("rendered_bytes", {}).get("annex"))
            print(
                f"  {s['scale']:>4}× {s['rows']:>7,} {kb(s['csv_bytes']):>9} {s['validate_s']:>7.1f} s "
                f"{seconds(s['render_s'], s['render_error']):>26} {seconds(s['build_s'], s['build_error']):>30} "
                f"{s.get('pages', '—'):>6} {page:>30}  {annex:>11}"
            )
        print(
            "  * rendered by scripts/site/render.py alone (annex, glossary, timeline, figures), outside MkDocs,"
            " in a child process"
        )
        built = [s for s in results["scales"] if s["build_s"]]
        for a, b in zip(built, built[1:]):
            print(
                f"  {a['scale']}× → {b['scale']}×: {b['rows'] / a['rows']:.1f}× the rows, "
                f"{b['build_s'] / a['build_s']:.1f}× the build time"
            )
    if results.get("lighthouse"):
        lighthouse_table("real site", results["lighthouse"], target=95)
    for scale in results.get("scales") or []:
        if scale.get("lighthouse"):
            lighthouse_table(f"{scale['scale']}× synthetic site, list pages", scale["lighthouse"], target=90)


def lighthouse_table(what: str, results: dict, target: int) -> None:
    """Median-run scores per page, first-load weight against the 150 KiB budget, and what fails."""
    print(
        f"\nLighthouse mobile, {what} (gzip, 127.0.0.1, median of {RUNS} runs)"
        "\n  page               perf  a11y  best   seo     LCP     TBT    CLS   first load"
    )
    for key, r in results.items():
        name = key.split("|")[0]
        if "scores" not in r:
            print(f"  {name:17} {r['error']}")
            continue
        sc = r["scores"]
        weight = r.get("transfer_bytes") or 0
        print(
            f"  {name:17} {sc['performance']:>5} {sc['accessibility']:>5} {sc['best-practices']:>5} "
            f"{sc['seo']:>5} {r['lcp_ms']:>6.0f}ms {r['tbt_ms']:>5.0f}ms {r['cls']:>6.3f} "
            f"{weight / 1024:>7.0f} KiB{'  over 150 KiB' if weight > 150 * 1024 else ''}"
        )
    misses = [
        (k, c, r) for k, r in results.items() if "scores" in r for c in CATEGORIES if (r["scores"][c] or 0) < target
    ]
    if misses:
        print(f"  Scores under {target}, and the audits that fail:")
        for key, c, r in misses:
            print(
                f"    {key.split('|')[0]}, {c} {r['scores'][c]}: "
                f"{', '.join(r['failing'][c][:6]) or '(no single audit under 0.9)'}"
            )
    else:
        print(f"  Every score is {target} or more.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,3,10,100", help="synthetic sizes (default 1,3,10,100)")
    parser.add_argument("--build-timeout", type=float, default=300, help="seconds before a build is given up")
    parser.add_argument("--always-try", action="store_true", help="start every step, even one projected to time out")
    parser.add_argument(
        "--skip", default="", help="comma-separated parts to skip: loop, fresh, real, scales, lighthouse"
    )
    parser.add_argument("--edit-only", action="store_true", help="of the loop, only edit to page")
    parser.add_argument("--rendered-sizes", type=Path, help=argparse.SUPPRESS)  # the child of render_in_child()
    args = parser.parse_args(argv)
    if args.rendered_sizes:
        print(json.dumps(rendered_sizes(args.rendered_sizes)))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    port = free_port()
    site_url = f"http://127.0.0.1:{port}/"
    results: dict = {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "load_average_at_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="annex-bench-") as tmp:
        work = Path(tmp)
        if "loop" not in skip:
            print("the maintainer's loop: edits under mkdocs serve, make check, one unit test…", flush=True)
            results["loop"] = bench_loop(work, args.edit_only)
        if "fresh" not in skip:
            print("make test in a fresh clone…", flush=True)
            results["fresh"] = bench_fresh_clone(work)
        if "real" not in skip or "lighthouse" not in skip:
            print("building the real site…", flush=True)
            results["real_site"] = bench_real_site(work, site_url)
        if "real" not in skip:
            print("against a bare mkdocs-material build…", flush=True)
            results["bare_material"] = bench_against_bare_material(work, site_url)
        if "scales" not in skip:
            from scripts.intake.validate import validate

            validate()  # imports Frictionless, so that the first scale's time is validation alone
            results["scales"] = []
            scales = [int(s) for s in args.scales.split(",")]
            for scale in scales:
                print(f"synthetic {scale}×…", flush=True)
                previous = results["scales"][-1] if results["scales"] else None
                # Lighthouse on the list pages of the largest scale (100× by default).
                port_for = port if scale == max(scales) and "lighthouse" not in skip else None
                results["scales"].append(
                    bench_scale(scale, work, site_url, args.build_timeout, previous, args.always_try, port_for)
                )
        if "lighthouse" not in skip and results["real_site"].get("full_build_s"):
            print("lighthouse…", flush=True)
            results["lighthouse"] = bench_lighthouse(work / "site", port, work)
    results["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_tables(results)
    print(f"\nraw numbers: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
