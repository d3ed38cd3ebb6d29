"""Helpers for tests/site/test_quality_gates.py: axe-core, the Nu HTML Checker, link checks, page weight.

Everything here runs against the real built site served on 127.0.0.1 (conftest's fixtures).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

from conftest import SITE_READY

from scripts import kinds
from scripts.paths import ROOT

NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
# Every data table's columns and the table filters, measured in view: a list of problems as text.
TABLES_IN_VIEW = (Path(__file__).parent / "js" / "tables_in_view.js").read_text(encoding="utf-8")
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LINKINATOR = NODE_MODULES / ".bin" / "linkinator"

# -- accessibility ----------------------------------------------------------------------------
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(page, url: str, wait_until: str = "load"):
    """Load a page as a reader would see it: site.js has run (every chart is drawn in the page)."""
    response = page.goto(url, wait_until=wait_until)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_function(SITE_READY, timeout=20_000)
    return response


def settle(page) -> None:
    """Wait for running CSS transitions and animations (a fading search result, a sliding drawer):
    axe measured mid-fade sees half-transparent text and reports contrast that no reader sees."""
    page.evaluate(
        """() => Promise.all(document.getAnimations()
               .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
               .map(a => a.finished.catch(() => null)))"""
    )


def run_axe(page, include: str | None = None, rules: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations for the page (or one part of it), nothing disabled;
    or, with `rules`, the violations of just those rules (e.g. best-practice ones)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # not a <script>: the site's CSP refuses those
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_TAGS}
    settle(page)
    return page.evaluate(
        """([runOnly, include]) => axe.run(include ? {include: [include]} : document,
               {runOnly: runOnly, resultTypes: ['violations']})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 targets: v.nodes.map(n => n.target.join(' ')),
                 summary: (v.nodes[0] && v.nodes[0].failureSummary || '').replace(/\\s+/g, ' ')})))""",
        [run_only, include],
    )


def describe_violations(where: str, violations: list[dict]) -> list[str]:
    out = []
    for v in violations:
        targets = ", ".join(v["targets"][:4]) + (f" (+{len(v['targets']) - 4} more)" if len(v["targets"]) > 4 else "")
        out.append(f"{where}: {v['id']} [{v['impact']}] {v['help']}: {targets} :: {v['summary'][:300]}")
    return out


def representative_pages(pages: list[str]) -> list[str]:
    """Home, annex, commitments, figures, timeline, data, and one figure, commitment and term page."""
    chosen = ["", "annex/", "commitments/", "figures/", "timeline/", "data/"]
    for section in (k.address for k in kinds.with_pages()):
        records = [p for p in pages if p.startswith(section) and p != section]
        assert records, f"no record page under {section}"
        chosen.append(records[0])
    missing = [p for p in chosen if p not in pages]
    assert not missing, f"representative pages missing from the site: {missing}"
    return chosen


def chart_pages(site_dir: Path, pages: list[str]) -> list[str]:
    """Pages whose HTML holds at least one chart."""
    return [p for p in pages if "data-chart=" in (site_dir / p / "index.html").read_text(encoding="utf-8")]


# -- HTML -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownError:
    """A vnu error that is accepted on purpose: exact message and the exact markup it is about."""

    name: str
    why: str
    message: re.Pattern
    extract: re.Pattern

    def matches(self, msg: dict) -> bool:
        return bool(self.message.fullmatch(msg.get("message", "")) and self.extract.search(msg.get("extract", "")))


# Material's base.html sets autocomplete="off" on its two hidden toggle checkboxes (#__drawer and
# #__search) so that Firefox does not restore them as checked on reload or back navigation (an open
# drawer or search overlay on a fresh page). The HTML standard does not allow `autocomplete` on a
# checkbox, so vnu is right: this is not a vnu false positive. It cannot be fixed with a small
# override: the two inputs sit in base.html outside any template block, so the fix would be a fork
# of all of base.html, which hard-codes the theme's hashed bundle names and would break the site on
# the next theme release; the theme keeps the attribute on purpose (squidfunk/mkdocs-material#1513).
# So it is accepted for exactly these two inputs and nothing else; test_html_known_errors_still_needed
# fails once the theme drops the attribute, so this entry is removed then.
KNOWN_HTML_ERRORS = [
    KnownError(
        name="material-toggle-autocomplete",
        why="material base.html: autocomplete=off on its #__drawer/#__search toggles (Firefox state restore)",
        message=re.compile(
            re.escape(
                "Attribute “autocomplete” is only allowed when the input type is “color”, "
                "“date”, “datetime-local”, “email”, “hidden”, “month”, “number”, “password”, "
                "“range”, “search”, “tel”, “text”, “time”, “url”, or “week”."
            )
        ),
        extract=re.compile(
            r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" '
            r'id="__(?:drawer|search)" autocomplete="off">'
        ),
    ),
]


def run_vnu(target: Path) -> list[dict]:
    """The Nu HTML Checker's errors for every HTML file under `target`."""
    java = shutil.which("java")
    assert java, "java is needed for the Nu HTML Checker (Debian: default-jre-headless)"
    assert VNU_JAR.exists(), f"{VNU_JAR} missing: run `make install`"
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--skip-non-html", "--errors-only", "--format", "json", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # vnu writes its report to stderr and exits 1 when it found errors.
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


# -- links ------------------------------------------------------------------------------------
class _LinkParser(HTMLParser):
    URL_ATTRS = {
        "a": ("href",),
        "area": ("href",),
        "link": ("href",),
        "script": ("src",),
        "img": ("src",),
        "iframe": ("src",),
        "source": ("src",),
        "video": ("src", "poster"),
        "audio": ("src",),
        "form": ("action",),
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for name in self.URL_ATTRS.get(tag, ()):
            if a.get(name):
                self.links.append(a[name].strip())
        if a.get("srcset"):
            self.links += [part.strip().split()[0] for part in a["srcset"].split(",") if part.strip()]


@dataclass
class Fetched:
    status: int
    content_type: str = ""
    body: bytes = b""
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)


def fetch(url: str) -> Fetched:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return Fetched(r.status, r.headers.get_content_type(), r.read())
    except urllib.error.HTTPError as err:
        return Fetched(err.code)


def crawl_links(base_url: str, start_paths: list[str]) -> tuple[list[str], int, int]:
    """Every internal link, asset and #fragment of the served site, followed from `start_paths`.

    Returns (problems, pages crawled, links checked). Links to other hosts are never fetched.
    """
    own = urlparse(base_url).netloc
    cache: dict[str, Fetched] = {}

    def get(url: str) -> Fetched:
        if url not in cache:
            f = fetch(url)
            if f.status == 200 and f.content_type == "text/html":
                parser = _LinkParser()
                parser.feed(f.body.decode("utf-8", "replace"))
                f.ids, f.links = parser.ids, parser.links
            cache[url] = f
        return cache[url]

    problems, checked = [], 0
    queue = [base_url + p for p in start_paths]
    seen_pages = set()
    while queue:
        page = queue.pop()
        if page in seen_pages:
            continue
        seen_pages.add(page)
        here = get(page)
        if here.status != 200:
            problems.append(f"{page}: HTTP {here.status}")
            continue
        for raw in here.links:
            if raw.startswith(("mailto:", "tel:", "javascript:", "data:")):
                continue
            target, fragment = urldefrag(urljoin(page, raw))
            if urlparse(target).scheme not in ("http", "https") or urlparse(target).netloc != own:
                continue  # another host: not fetched (no internet, and not this site's to fix)
            checked += 1
            got = get(target)
            if got.status != 200:
                problems.append(f"{page}: {raw} -> HTTP {got.status}")
                continue
            if fragment and got.content_type == "text/html" and fragment not in got.ids:
                problems.append(f"{page}: {raw} -> no element with id {fragment!r} on {target}")
            if got.content_type == "text/html":
                queue.append(target)
    return problems, len(seen_pages), checked


def linkinator_command() -> tuple[list[str] | None, str]:
    """How to run linkinator here, or None and why not (it needs a newer Node.js than installed)."""
    import os

    exe = os.environ.get("LINKINATOR") or str(LINKINATOR)
    if not Path(exe).exists():
        return None, f"{exe} missing: run `make install`"
    node = shutil.which("node")
    if not node:
        return None, "node is not installed"
    wanted = ""
    for folder in Path(exe).resolve().parents:  # .bin/linkinator -> linkinator/build/src/cli.js
        package = folder / "package.json"
        if package.exists() and json.loads(package.read_text()).get("name") == "linkinator":
            wanted = json.loads(package.read_text()).get("engines", {}).get("node", "")
            break
    have = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip().lstrip("v")
    m = re.fullmatch(r">=\s*(\d+)", wanted.strip())
    if m and int(have.split(".")[0]) < int(m.group(1)):
        return None, (
            f"linkinator at {exe} needs Node.js {wanted} and this machine has {have}; pin linkinator "
            "7.6.1 (Node >= 20) in package.json or set LINKINATOR to a working copy"
        )
    return [exe], ""


def run_linkinator(command: list[str], base_url: str) -> tuple[list[dict], list[dict]]:
    """linkinator over the served site, recursing, checking #fragments, never leaving it.

    Returns (all links reported, broken ones)."""
    own = re.escape(base_url)
    result = subprocess.run(
        command
        + [
            base_url,
            "--recurse",
            "--check-fragments",
            "--skip",
            f"^(?!{own})",
            "--format",
            "json",
            "--timeout",
            "30000",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"linkinator failed (exit {result.returncode}): {result.stderr[-2000:]}") from None
    links = report["links"]
    return links, [link for link in links if link.get("state") == "BROKEN"]


# -- page weight ------------------------------------------------------------------------------
KB = 1024  # budgets are in KiB, as Lighthouse's performance budgets count them


_GZIP_SIZES: dict[str, int] = {}


def gzip_size(body: bytes) -> int:
    """Bytes after gzip at level 9 (cached by content: every page loads the same theme files)."""
    key = hashlib.sha256(body).hexdigest()
    if key not in _GZIP_SIZES:
        _GZIP_SIZES[key] = len(gzip.compress(body, compresslevel=9, mtime=0))
    return _GZIP_SIZES[key]


@dataclass
class Visit:
    """Everything the page-level checks need from one visit of one page in one colour scheme."""

    path: str
    scheme: str  # "light" or "dark"
    status: int
    headings: int
    scheme_shown: str
    violations: list[str]
    problems: list[str]
    hosts: set[str]
    sizes: dict[str, int]  # measured in light, on the first visit; {} in dark
    tables: int  # data tables on the page
    cut_off: list[str]  # TABLES_IN_VIEW's problems (layout: measured in light)

    @property
    def weight(self) -> int:
        return sum(self.sizes.values())


def visit_all(browser, base_url: str, paths: list[str], viewport: dict = DESKTOP) -> list[Visit]:
    """Open each page as a reader would on a first visit, in light, scroll every chart into view,
    and take at once what every page-level check needs: axe-core's violations, console and page
    errors, the hosts requested, the gzip-9 size of every file, and whether its tables fit. Then
    switch the page to dark as a reader does, with the theme's own toggle, and take them again
    (violations, errors, hosts). Two Visits a page: light, then dark.

    The toggle sets the same attributes on the page as a system in dark mode does at load, and every
    dark rule of the theme and of site.css hangs on them, so the colours axe sees are the reader's;
    what only a load in dark runs (the theme picking the scheme from the system's) is checked on the
    representative pages loaded in dark (test_quality_gates). One load a page instead of two.

    One tab for all pages, with the browser cache off, so each page loads everything it needs as on
    a first visit (the same bytes as a fresh context, measured) without a new context per page."""
    context = browser.new_context(viewport=viewport, color_scheme="light")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    seen = {"problems": [], "hosts": set(), "responses": {}, "inflight": set()}
    page.on(
        "console",
        lambda m: seen["problems"].append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda err: seen["problems"].append(f"page error: {err}"))

    def requested(r):
        seen["inflight"].add(r)
        if r.url.startswith("http"):
            seen["hosts"].add(urlparse(r.url).netloc)

    context.on("request", requested)
    context.on("requestfinished", lambda r: seen["inflight"].discard(r))
    context.on("requestfailed", lambda r: seen["inflight"].discard(r))
    context.on("response", lambda r: seen["responses"].setdefault(r.url, r))
    try:
        return [v for path in paths for v in _visit(page, seen, base_url, path, viewport)]
    finally:
        context.close()


def _visit(page, seen: dict, base_url: str, path: str, viewport: dict) -> tuple[Visit, Visit]:
    seen.update(problems=[], hosts=set(), responses={}, inflight=set())
    url = base_url + path
    response = page.goto(url, wait_until="load")
    page.wait_for_function(SITE_READY, timeout=20_000)
    status, headings = (response.status if response else 0), page.locator("h1").count()
    # A reader who scrolls past every chart: anything a chart would fetch on sight is counted.
    for chart in page.locator("figure.chart").all():
        chart.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    tables, cut_off = page.locator("table.data-table__table").count(), page.evaluate(TABLES_IN_VIEW)
    # axe first: the page is drawn; late requests (the search index) finish meanwhile.
    violations = describe_violations(f"light {viewport['width']}px /{path}", run_axe(page))
    # Network quiet, as "networkidle" means it but without its fixed half-second wait: nothing in
    # flight for 100 ms, and the search index (fetched by every page after load) already asked for.
    quiet, waited = 0, 0
    while (quiet < 4 or not any("search_index.json" in u for u in seen["responses"])) and waited < 400:
        quiet, waited = (quiet + 1 if not seen["inflight"] else 0), waited + 1
        page.wait_for_timeout(25)  # events arrive only while Playwright waits
    sizes = _sizes(page, url, seen["responses"])
    shown = page.evaluate("document.body.dataset.mdColorScheme")
    light = Visit(
        path, "light", status, headings, shown, violations, seen["problems"], seen["hosts"], sizes, tables, cut_off
    )

    seen.update(problems=[], hosts=set())
    page.locator("form[data-md-component=palette] label:not([hidden])").click()
    page.wait_for_function("() => document.body.dataset.mdColorScheme !== 'default'", timeout=5_000)
    violations = describe_violations(f"dark {viewport['width']}px /{path}", run_axe(page))  # after the fade
    shown = page.evaluate("document.body.dataset.mdColorScheme")
    page.evaluate("localStorage.clear()")  # the choice is kept there: the next page loads in light again
    dark = Visit(path, "dark", status, headings, shown, violations, seen["problems"], seen["hosts"], {}, tables, [])
    return light, dark


def _sizes(page, url: str, responses: dict) -> dict[str, int]:
    own = urlparse(url).netloc
    # Headless Chromium fetches the favicon late or not at all; a browser always does.
    icons = page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    sizes = {}
    for u, response in list(responses.items()):  # reading bodies lets late events in
        if not u.startswith("http"):
            continue  # data: and blob: URLs are inside something already counted
        assert urlparse(u).netloc == own, f"{url} requested another host: {u}"
        if 300 <= response.status < 400:
            continue  # a redirect: its target is counted
        assert response.status == 200, f"{url} requested {u}: HTTP {response.status}"
        sizes[u] = gzip_size(response.body())
    for u in icons:
        if u not in sizes:
            got = fetch(u)
            assert got.status == 200, f"{url}: icon {u}: HTTP {got.status}"
            sizes[u] = gzip_size(got.body)
    return sizes
