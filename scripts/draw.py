"""Charts drawn at build time: each Plotly figure exported as SVG by kaleido, for the page itself.

A reader sees every chart on first paint, with JavaScript off too; plotly.js is fetched only when
a reader asks to explore one. Each chart is drawn twice (wide, and narrow for phones), and:

- one Kaleido (one headless Chromium) draws every chart a build needs, not one per chart;
- drawings are cached by content (the figure, its width, plotly's and kaleido's versions) in the
  user's cache folder, outside the checkout, so a pull request can't plant one;
- the site's text and grid colours are CSS variables, so a drawing follows light and dark mode;
- plotly's random element ids become ids named after the chart (same bytes every build, no clash
  between two drawings in one page), and anything that could run in a page is refused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import hashlib
import importlib.metadata
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

# Widths drawn: the wide one fills a desktop column, the narrow one a 390 px phone.
WIDTHS = {"wide": 720, "narrow": 360}
# Stand-in colours that become the theme's CSS variables in the drawing.
FG, GRID = "#010203", "#040506"
THEMED = {"rgb(1, 2, 3)": "var(--chart-fg)", "rgb(4, 5, 6)": "var(--chart-grid)"}
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "amiens-annex" / "charts"
# Besides the figure and its width, a drawing depends on these (and on this module's code).
MADE_BY = (
    importlib.metadata.version("plotly"),
    importlib.metadata.version("kaleido"),
    hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
)
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


# Set by hooks/preview.py under `mkdocs serve` only: without a Chromium, charts are then left to
# plotly.js in the page (a preview) instead of stopping the build. `mkdocs build` never sets it.
PREVIEW = False


class DrawError(Exception):
    """A chart could not be drawn, or its drawing holds something a page must not."""


class NoChromium(DrawError):
    """No Chromium to draw with: one line to show, no traceback."""


def chromium() -> str | None:
    """The Chromium kaleido would start (BROWSER_PATH, PATH, the usual places), if it can run."""
    from choreographer.browsers.chromium import Chromium

    path = Chromium.find_browser(skip_local=False)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


@dataclass(frozen=True)
class Job:
    name: str  # chart id and width: names the drawing's element ids
    figure: go.Figure
    width: int

    @property
    def height(self) -> int:
        return int(self.figure.layout.height or 360)

    @cached_property
    def key(self) -> str:
        """What the drawing depends on: the figure, its width, plotly, kaleido and this module."""
        made_by = "|".join([str(self.width), *MADE_BY])
        return hashlib.sha256((pio.to_json(self.figure, validate=False) + made_by).encode()).hexdigest()


def for_export(figure: go.Figure, width: int) -> go.Figure:
    """The figure as drawn for a page at `width`: theme colours as stand-ins; at phone width,
    smaller type, and the legend above the plot, clear of the axis title."""
    fig = copy.deepcopy(figure)
    fig.update_layout(font_color=FG, width=width)
    fig.update_xaxes(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID)
    if width < 560:
        fig.update_layout(
            font_size=12,
            legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
            margin={"t": 20},
        )
    return fig


def jobs(chart_id: str, figure: go.Figure) -> list[Job]:
    return [Job(f"{chart_id}-{name}", for_export(figure, w), w) for name, w in WIDTHS.items()]


async def _export(todo: list[Job]) -> list[bytes]:
    import kaleido  # imported only when something is to be drawn: it starts Chromium

    out = []
    # No MathJax: it would be fetched from a CDN, and no chart uses it.
    async with kaleido.Kaleido(n=1, mathjax=False) as k:
        for job in todo:
            out.append(await k.calc_fig(job.figure, opts={"format": "svg", "width": job.width, "height": job.height}))
    return out


def export(todo: list[Job]) -> list[bytes]:
    """SVG bytes for each job, from one Kaleido process."""
    if not todo:
        return []
    try:
        # In a thread of its own: the caller may already run an event loop (a test's browser).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _export(todo)).result()
    except Exception as exc:  # kaleido raises its own types, and ChromeNotFoundError outside its package
        raise DrawError(
            f"charts are drawn at build time by kaleido with Chromium, and this failed: {exc}. "
            "Install the chromium package (see README, Prerequisites), or set BROWSER_PATH to a Chromium."
        ) from exc


def check(svg: str, name: str) -> None:
    """Refuse a drawing that could run code or load anything when inlined in a page."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise DrawError(f"{name}: the drawing is not well-formed SVG ({exc})") from exc
    for el in root.iter():
        tag = el.tag.removeprefix(SVG_NS)
        if tag in {"script", "foreignObject", "iframe", "object", "embed", "image", "use"}:
            raise DrawError(f"{name}: the drawing holds a <{tag}> element")
        for attr, value in el.attrib.items():
            if attr.lower().startswith("on"):
                raise DrawError(f"{name}: the drawing holds an event handler ({attr})")
            if attr in ("href", XLINK_HREF) and not re.match(r"https://|#", value):
                raise DrawError(f"{name}: the drawing links somewhere other than an https address: {value!r}")
        if "url(" in (el.get("style") or "") and re.search(r"url\((?!['\"]?#)", el.get("style")):
            raise DrawError(f"{name}: the drawing loads a resource from its style")


def finish(raw: bytes, name: str) -> str:
    """Kaleido's SVG made ready for a page: stable ids, theme colours, sized by its box."""
    svg = raw.decode("utf-8")
    # plotly.js names elements with random ids (its uid, pattern and legend clip hashes): each id
    # becomes the chart's digest and a counter, and every reference follows, so a drawing is the
    # same bytes on every build, two drawings in a page share no id, and no data text reaches an id.
    uid = "c" + hashlib.sha256(name.encode()).hexdigest()[:10]
    names = {old: f"{uid}-{n}" for n, old in enumerate(dict.fromkeys(re.findall(r' id="([^"]+)"', svg)))}
    svg = re.sub(r'(id="|#)([^"\'()\s]+)(?=["\')])', lambda m: m[1] + names.get(m[2], m[2]), svg)
    for stand_in, var in THEMED.items():
        svg = svg.replace(stand_in, var)
    # Links (a label linked to its source) are unwrapped: the drawing is hidden from screen
    # readers, so nothing in it may take focus; the table below the chart links every source.
    svg = re.sub(r"<a\b[^>]*>|</a>", "", svg)
    # The box sets the size (CSS scales it to its column); the drawing is described by the
    # figure around it, so screen readers skip the drawing itself.
    svg = re.sub(r'^<svg class="main-svg"([^>]*?) width="\d+" height="\d+"', r'<svg class="main-svg"\1', svg, count=1)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    check(svg, name)
    return svg


def draw(todo: list[Job], cache: Path = CACHE) -> dict[str, Markup]:
    """Every job's finished SVG, by job name; only the drawings not in the cache are exported."""
    cached: dict[str, str] = {}
    for job in todo:
        path = cache / f"{job.key}.svg"
        if path.is_file() and not path.is_symlink():
            cached[job.name] = path.read_text(encoding="utf-8")
    missing = [job for job in todo if job.name not in cached]
    if missing and chromium() is None:
        raise NoChromium(
            "no Chromium to draw the charts with (BROWSER_PATH, or chromium on PATH): install "
            "the chromium package (README, Prerequisites); `make serve` previews without it"
        )
    for job, raw in zip(missing, export(missing)):
        cached[job.name] = finish(raw, job.name)
        try:
            cache.mkdir(parents=True, exist_ok=True)
            tmp = cache / f".{job.key}.{os.getpid()}.tmp"
            tmp.write_text(cached[job.name], encoding="utf-8")
            os.replace(tmp, cache / f"{job.key}.svg")  # atomic: parallel builds share the cache
        except OSError:
            pass  # a cache that can't be written (read-only home): the build draws every time
    # A cached drawing is checked again: the cache is a folder anyone on the machine may write.
    for name, svg in cached.items():
        check(svg, name)
    return {name: Markup(svg) for name, svg in cached.items()}


def drawings(figures: dict[str, go.Figure], cache: Path = CACHE) -> dict[str, dict[str, Markup] | None]:
    """Each chart's drawings by width name ("wide", "narrow"), all from one export; None for
    every chart in a preview without Chromium (PREVIEW), which plotly.js draws in the page."""
    try:
        svgs = draw([job for chart_id, figure in figures.items() for job in jobs(chart_id, figure)], cache)
    except NoChromium:
        if not PREVIEW:
            raise
        return dict.fromkeys(figures)
    return {chart_id: {width: svgs[f"{chart_id}-{width}"] for width in WIDTHS} for chart_id in figures}
