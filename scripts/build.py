"""One build of the site, stage by stage, in the order the stages run. hooks/build.py hands each
stage its MkDocs event; this module says what each stage does:

1. load and validate   scripts/intake: the package read once, every check run on what was read
                       (scripts/intake/validate.py); invalid data stops here with the validator's
                       own `FILE:LINE: FIELD: message` lines
2. derive              scripts/model: the derived package (`Site`, scripts/model/derive.py), and which
                       release it is (scripts/publish/versions.py: a bad release record stops here)
3. chart and draw      scripts/site/charts.py builds every chart, scripts/site/draw.py draws each
                       as SVG with one Chromium; a failure stops here, in one line
4. pages               scripts/site/render.py: the record, list and embed pages (path and content),
                       and the term tooltips every page gets
5. publish             scripts/publish: every version's downloads (versions.py, export.py), one
                       record's downloads, the Atom feed and the data page's JSON-LD (feeds.py)

A `Build` is made once per package (`current()`) and again only when one of its files changes, so
a rebuild under `mkdocs serve` after a template edit reuses every stage. Nothing reads the package
before it has passed; the descriptor is opened once, and the later stages use what was read.

Under `mkdocs serve` (`serving`), a save that breaks the data does not stop the preview: it keeps the
last package that passed, with the validator's lines in a banner (`current_or_last_good`), and
publishes nothing from the files on disk; and without Chromium the charts are left to plotly.js in
the page, with one warning line. `mkdocs build` (what deploys) needs both.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import plotly.io as pio

from scripts import kinds
from scripts.intake.rules import build_date
from scripts.intake.validate import FrictionlessMemo, Package, Report, load_and_validate
from scripts.model import citations
from scripts.model.derive import Site
from scripts.model.links import record_url
from scripts.paths import DESCRIPTOR, ROOT
from scripts.publish import export, feeds, versions
from scripts.site import charts, draw, render

# Set ANNEX_PIPELINE_LOG to a file to have each load, and each opening of the working tree's
# descriptor, appended to it (how tests count loads and reads per build).
LOG = "ANNEX_PIPELINE_LOG"

# True under `mkdocs serve` (hooks/build.py's on_startup, once per process): the preview.
serving = False


def _log(line: str) -> None:
    with open(os.environ[LOG], "a", encoding="utf-8") as log:
        log.write(line + "\n")


def _log_descriptor_reads(event: str, args: tuple) -> None:
    # Every way of opening a file raises the "open" audit event, so no reader goes uncounted.
    if event == "open" and isinstance(args[0], str | Path) and Path(args[0]) == DESCRIPTOR:
        _log(f"read {DESCRIPTOR}")


if os.environ.get(LOG):
    sys.addaudithook(_log_descriptor_reads)


class BuildError(Exception):
    """A stage cannot go on: its message is what the maintainer reads, in full, with no traceback."""


class InvalidPackage(BuildError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__("the data package is invalid:\n" + "\n".join(map(str, report.problems)))


class DrawFailed(BuildError):
    """The charts could not be drawn (no Chromium, or a drawing holds what a page must not)."""


# Where each chart with an embed page is shown on the site: its embed page links its readers there.
SHOWN_ON = {"timeline": "timeline/", "commitments": "commitments/"}


@dataclass
class Build:
    descriptor_path: Path
    stamp: tuple  # the package's files when it was read (`fingerprint`)
    site: Site = field(init=False)
    drawn_in_page: bool = field(init=False, default=False)  # no Chromium: plotly.js draws (a preview)
    _pages: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        package = self.load_and_validate()
        self.site = self.derive(package)

    # -- 1. load and validate --------------------------------------------------------------------
    def load_and_validate(self) -> Package:
        report, package = load_and_validate(self.descriptor_path, memo=_frictionless if serving else None)
        if os.environ.get(LOG):
            _log(f"load and validate {self.descriptor_path}")
        if not report.valid:
            raise InvalidPackage(report)
        return package

    # -- 2. derive -------------------------------------------------------------------------------
    def derive(self, package: Package) -> Site:
        """The derived package, from the very tables the validator read; and which release it is
        (citations name a release only if the package is one, datapackage/releases/, else its commit)."""
        site = Site.from_package(package.descriptor, package.tables)
        # The files as validated: compared with the last release and published, never read again.
        files = {"datapackage.json": package.descriptor_bytes, **package.files}
        site.release = versions.state(ROOT, self.descriptor_path.parent, build_date().isoformat(), files)
        site.tree = versions.Tree(
            site.version, package.descriptor, site.release.released is not None, files, package.tables
        )
        return site

    # -- 3. chart and draw -----------------------------------------------------------------------
    def draw(self) -> None:
        """Every chart built (charts.py) and drawn (draw.py) before any page shows one; once per package."""
        if self.site.drawings is not None:
            return
        built = charts.every_chart(self.site)
        # Under the preview, a chart whose figure an edit did not change keeps its drawings.
        keys = {chart_id: _figure_key(c) for chart_id, c in built.items()} if serving else {}
        todo = {chart_id: c.figure for chart_id, c in built.items() if keys.get(chart_id) not in _drawings}
        try:
            svgs = draw.drawings(todo, preview=serving)
        except draw.DrawError as exc:
            raise DrawFailed(f"the charts cannot be drawn: {exc}") from None
        for chart_id, drawings in svgs.items():
            if chart_id in keys and drawings is not None:
                _drawings[keys[chart_id]] = drawings
        for key in set(_drawings) - set(keys.values()):  # only this build's: a long preview stays small
            del _drawings[key]
        self.site.drawings = {
            chart_id: (c, svgs[chart_id] if chart_id in svgs else _drawings[keys[chart_id]])
            for chart_id, c in built.items()
        }
        self.drawn_in_page = any(drawings is None for _, drawings in self.site.drawings.values())

    # -- 4. pages --------------------------------------------------------------------------------
    def glossary(self) -> dict[str, str]:
        """Each term's tooltip (the abbr extension's glossary), from terms.csv. A glossary, not
        definitions appended to every page: those made Markdown re-scan each page once per term."""
        out = {}
        for t in self.site.rows("terms"):
            title = f"{t['expansion']}: {t['definition']}" if t["expansion"] else t["definition"]
            out[t["term"]] = " ".join(title.split())
        return out

    def pages(self, site_url: str, repo_url: str) -> dict[str, str]:
        """Every generated page, by source path: record, list and embed pages; once per package."""
        if (site_url, repo_url) not in self._pages:
            self._pages[(site_url, repo_url)] = dict(self._generate(site_url, repo_url))
        return self._pages[(site_url, repo_url)]

    def _generate(self, site_url: str, repo_url: str) -> Iterator[tuple[str, str]]:
        site = self.site
        # One page per record of each kind that has them (scripts/kinds.py).
        yield from render.record_pages(site, site_url, repo_url)
        # Every page of each list; the first is dropped where docs/ writes it (hooks/build.py).
        yield from render.list_pages(site)
        # Each document but the main one (docs/annex.md) has its page at annex/DOCUMENT_ID/.
        yield from render.document_pages(site).items()
        # One page per chart, to embed in another site with an <iframe>.
        for chart_id in charts.CHARTS:
            page = render.embed_page(site, chart_id, site_url, SHOWN_ON.get(chart_id, ""))
            yield md_path(render.embed_url(chart_id)), page

    # -- 5. publish ------------------------------------------------------------------------------
    @functools.cached_property
    def changelog(self) -> list[versions.Entry]:
        """Each version's row-level changes, oldest first: for the changelog page and every version's
        CHANGELOG.md, compared once per package."""
        released, current = versions.history(ROOT, self.descriptor_path.parent, self.site.tree)
        return versions.entries(released + ([current] if current else []))

    def publish(self, site_dir: Path, site_url: str) -> None:
        """/data/: every released version, frozen, and latest; one record's downloads; /feed.xml."""
        site = self.site
        try:
            versions.publish(ROOT, self.descriptor_path.parent, site_dir, site.tree, self.changelog)
        except RuntimeError as exc:  # ReleaseError, and a released version whose bytes would change
            raise BuildError(str(exc)) from None
        # One record to take away, linked from its page, for each kind that offers it (scripts/kinds.py).
        keys = {k.table: site.key(k.table) for k in kinds.KINDS if k.downloads and k.table in site.tables}
        paths = {r["name"]: r["path"] for r in site.descriptor["resources"]}

        def provenance(table: str, key: str, row: dict) -> dict:
            url = record_url(table, key)
            return citations.record_provenance(
                site,
                site_url,
                site.citation_kind(table, key),
                key,
                row["document_id"],
                row["paragraph_id"],
                url,
                paths[table],
            )

        export.export_records(site_dir / "data" / "latest" / "records", site.descriptor, site.tables, keys, provenance)
        (site_dir / "feed.xml").write_bytes(feeds.atom_feed(site, site_url))

    def jsonld(self, site_url: str) -> str:
        """schema.org Dataset metadata for the data page, dated by the last commit that touched the data."""
        modified = versions.last_data_change(
            ROOT, self.descriptor_path.parent, self.site.descriptor.get("created", "")[:10]
        )
        return feeds.dataset_jsonld(self.site, site_url, modified)


# Under the preview, Frictionless's result for each resource, by everything it read: a rebuild after
# an edit validates again only the tables the edit can change the result of (FrictionlessMemo).
_frictionless = FrictionlessMemo()

# Under the preview, each chart's drawings by what they are drawn from (`_figure_key`): kept for the
# process, so a rebuild after an edit draws, and checks, only the charts the edit changed.
_drawings: dict[str, dict] = {}


def _figure_key(chart: charts.Chart) -> str:
    return hashlib.sha256((chart.chart_id + pio.to_json(chart.figure, validate=False)).encode()).hexdigest()


def md_path(url: str) -> str:
    """The Markdown source a generated page is written as: figures/x/ → figures/x.md."""
    return url.rstrip("/") + ".md"


# -- one Build per package ----------------------------------------------------------------------
_builds: dict[Path, Build] = {}
# The preview keeps serving the last package that passed when a save breaks it: the fingerprint of
# the failing files, and the lines that say what is wrong.
_kept: dict[Path, tuple[tuple, list[str]]] = {}


def fingerprint(folder: Path) -> tuple:
    """Name, size and modification time of every file below `folder` (links not followed)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            st = os.lstat(os.path.join(root, name))
            out.append((os.path.relpath(os.path.join(root, name), folder), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _current(path: Path, stamp: tuple) -> Build:
    made = _builds.get(path)
    if made and (made.stamp == stamp or _kept.get(path, ((),))[0] == stamp):
        return made
    made = Build(path, stamp)
    _builds[path] = made
    return made


def current(descriptor_path: Path = DESCRIPTOR) -> Build:
    """The package's Build: stages 1 and 2 run when it is first asked for, and again only when one
    of its files changes."""
    path = Path(descriptor_path).absolute()
    return _current(path, fingerprint(path.parent))


def site(descriptor_path: Path = DESCRIPTOR) -> Site:
    """The validated, derived package (stages 1 and 2)."""
    return current(descriptor_path).site


def current_or_last_good(descriptor_path: Path = DESCRIPTOR) -> tuple[Build, list[str]]:
    """For the preview: the package's Build and no problems; or, when it fails validation, the last
    Build that passed in this process and the `FILE:LINE: FIELD: message` lines that say why (raises
    when none has passed yet). Every later call gets the same Build until a file changes again.
    While problems are returned, nothing may be read from the files on disk, or published."""
    path = Path(descriptor_path).absolute()
    stamp = fingerprint(path.parent)
    try:
        made = _current(path, stamp)
    except (InvalidPackage, versions.ReleaseError) as exc:
        if path not in _builds:
            raise
        lines = [str(p) for p in exc.report.problems] if isinstance(exc, InvalidPackage) else str(exc).splitlines()
        _kept[path] = (stamp, lines)
        return _builds[path], lines
    kept = _kept.get(path)
    if kept and kept[0] == stamp and made.stamp != stamp:
        return made, kept[1]
    _kept.pop(path, None)
    return made, []


# -- the build under way ------------------------------------------------------------------------
# Its Build and, under the preview, what is wrong with the files on disk while the last good
# package is shown: set once per MkDocs build (hooks/build.py's on_config), so the package's files
# are looked at once per build, and every later stage, hook and macro gets the same Build.
_running: list = [None, []]


def start(descriptor_path: Path = DESCRIPTOR) -> tuple[Build, list[str]]:
    """Stages 1 and 2 for the build starting now: the package's Build, or under the preview the last
    good one and why the files on disk are not (`current_or_last_good`)."""
    made, problems = current_or_last_good(descriptor_path) if serving else (current(descriptor_path), [])
    _running[:] = [made, problems]
    return made, problems


def running() -> Build:
    """The Build of the build under way (`start`); outside one, the package's."""
    return _running[0] or current()


def running_problems() -> list[str]:
    """Under the preview, why the files on disk are not what is shown ([] when they are)."""
    return _running[1]
