"""Charts drawn at build time: each Plotly figure exported as SVG by kaleido, for the page itself.

A reader sees every chart on first paint, with JavaScript off too; plotly.js is fetched only when
a reader asks to explore one. Each chart is drawn twice (wide, and narrow for phones), and:

- one Kaleido (one headless Chromium) draws every chart a build needs, not one per chart;
- drawings are cached by content (the figure, its width, plotly's and kaleido's versions) in the
  user's cache folder, outside the checkout, so a pull request can't plant one;
- the site's text and grid colours are CSS variables, so a drawing follows light and dark mode;
- plotly's random element ids become ids named after the chart (same bytes every build, no clash
  between two drawings in one page);
- what reaches a page is only what `check` writes out from the parsed drawing, through an
  allowlist of elements, attributes and in-drawing references (fresh and cached drawings alike).
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

from scripts.escape import html_attribute, html_text

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
MAX_DRAWING_BYTES = 5_000_000  # the largest chart is under 200 kB


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


# What a drawing may hold, as plotly draws a chart: shapes, text, clip paths and fill patterns.
# Anything else (script, foreignObject, image, use, a, style, animations, any other namespace) is
# refused, so a page receives only what `check` writes out itself.
ELEMENTS = {
    "svg", "g", "defs", "clipPath", "pattern", "linearGradient", "radialGradient", "stop",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
}  # fmt: skip
ATTRIBUTES = {
    "class", "id", "style", "transform", "viewBox", "x", "y", "dx", "dy", "x1", "y1", "x2", "y2",
    "width", "height", "d", "points", "r", "rx", "ry", "cx", "cy", "offset", "text-anchor",
    "clip-path", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "opacity",
    "shape-rendering", "pointer-events", "patternUnits", "patternTransform", "gradientUnits",
    "gradientTransform", "stop-color", "stop-opacity", "data-notex", "aria-hidden", "focusable",
}  # fmt: skip
# Style declarations: the properties plotly writes, each value made of plain CSS tokens. No
# backslash (a CSS escape hides a word: u\72l( is url()), quotes only around a plain name, and the only
# functions are colours, the theme's variables and url() of an element of this drawing.
STYLE_PROPERTIES = {
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-miterlimit",
    "stroke-dasharray", "opacity", "font-family", "font-size", "font-weight", "font-style",
    "white-space", "vector-effect", "pointer-events", "stop-color", "stop-opacity", "text-anchor",
}  # fmt: skip
SAFE_VALUE = re.compile(r"[\w\s#%.,()'+-]*")
FUNCTION = re.compile(r"([\w-]*)\(")
LOCAL_REF = re.compile(r"url\((['\"]?)#([A-Za-z][\w-]*)\1\)")
ID = re.compile(r"[A-Za-z][\w-]{0,99}")
THEME_VARS = {"var(--chart-fg)", "var(--chart-grid)"}
QUOTED_NAME = re.compile(r"'[\w -]*'|\"[\w -]*\"")  # a font family: 'Open Sans'


def _value(value: str, where: str, ids: set[str]) -> None:
    """An attribute or style value: plain tokens, and url() only of an element of this drawing."""
    rest = LOCAL_REF.sub(lambda m: "" if m[2] in ids else "?", value)
    for var in THEME_VARS:
        rest = rest.replace(var, "")
    rest = QUOTED_NAME.sub("", rest)
    if not SAFE_VALUE.fullmatch(rest) or "'" in rest:
        raise DrawError(f"{where} holds characters a drawing does not need: {value[:80]!r}")
    if bad := [f for f in FUNCTION.findall(rest) if f not in ("rgb", "rgba", "translate", "rotate", "scale")]:
        raise DrawError(f"{where} uses {bad[0]}(), which a drawing does not need (only url(#id) of itself)")


def _style(style: str, where: str, ids: set[str]) -> str:
    out = []
    for decl in filter(str.strip, style.split(";")):
        prop, colon, value = decl.partition(":")
        prop, value = prop.strip(), value.strip()
        if not colon or prop not in STYLE_PROPERTIES:
            raise DrawError(f"{where}: the style property {prop[:40]!r} is not one a drawing needs")
        _value(value, f"{where}: style {prop}", ids)
        out.append(f"{prop}: {value};")
    return " ".join(out)


def check(svg: str, name: str) -> str:
    """The drawing as a page may inline it, written out afresh from its parsed tree: only allowed
    elements, attributes and style properties, text escaped, no comment, processing instruction
    or declaration; DrawError naming what is refused. An XML parser and a browser's HTML parser
    read markup differently (<SCRIPT>, <!--><script>): so the page never gets the input's bytes,
    only what this function writes, which both parsers read the same way."""
    if "<!" in svg or "<?" in svg:
        raise DrawError(f"{name}: the drawing holds a comment, declaration or processing instruction")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise DrawError(f"{name}: the drawing is not well-formed SVG ({exc})") from exc
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    out: list[str] = []

    def write(el: ET.Element, top: bool) -> None:
        tag = el.tag.removeprefix(SVG_NS) if isinstance(el.tag, str) and el.tag.startswith(SVG_NS) else None
        if tag not in ELEMENTS or (tag == "svg") != top:
            shown = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else "?"
            raise DrawError(f"{name}: the drawing holds a <{shown}> element, which a drawing does not need")
        attrs = []
        for attr, value in el.attrib.items():
            where = f"{name}: <{tag} {attr}>"
            if attr.lower().startswith("on"):
                raise DrawError(f"{where}: the drawing holds an event handler")
            if attr not in ATTRIBUTES:
                raise DrawError(f"{where}: the attribute is not one a drawing needs")
            if attr == "id" and not ID.fullmatch(value):
                raise DrawError(f"{where}: {value[:40]!r} is not a plain id")
            value = _style(value, where, ids) if attr == "style" else value
            if attr != "style":
                _value(value, where, ids)
            attrs.append(f' {attr}="{html_attribute(value)}"')
        if top:
            attrs.append(' xmlns="http://www.w3.org/2000/svg"')
        inner = list(el)
        text = html_text(el.text)
        if not inner and not text:
            out.append(f"<{tag}{''.join(attrs)}/>")
        else:
            out.append(f"<{tag}{''.join(attrs)}>{text}")
            for child in inner:
                write(child, False)
                out.append(html_text(child.tail))
            out.append(f"</{tag}>")

    try:
        write(root, True)
    except RecursionError:
        raise DrawError(f"{name}: the drawing nests its elements too deeply") from None
    return "".join(out)


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
    return check(svg, name)


def draw(todo: list[Job], cache: Path = CACHE) -> dict[str, Markup]:
    """Every job's finished SVG, by job name; only the drawings not in the cache are exported."""
    cached: dict[str, str] = {}
    for job in todo:
        path = cache / f"{job.key}.svg"
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_DRAWING_BYTES:
            # The cache is a folder anyone on the machine may write: a cached drawing goes through
            # the same allowlist as a fresh one, and one that fails it is drawn again.
            try:
                cached[job.name] = check(path.read_text(encoding="utf-8"), job.name)
            except (DrawError, OSError, UnicodeDecodeError):
                pass
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
