"""Charts drawn at build time (scripts/site/draw.py): one Chromium for every drawing, the same bytes on
every build, theme colours as CSS variables, a cache that can't plant anything in a page."""

from __future__ import annotations

import shutil

import plotly.graph_objects as go
import pytest

from scripts.site import draw

pytestmark = pytest.mark.build


def figure(label: str = "Pledge") -> go.Figure:
    fig = go.Figure()
    fig.add_bar(
        x=[3, 1],
        y=[label, "Support"],
        orientation="h",
        name="UK and France",
        text=['<a href="https://www.gov.uk/">£3m</a>', "1"],  # a label linked to its source
        textposition="outside",
    )
    fig.add_bar(x=[1, 0], y=[label, "Support"], orientation="h", marker={"pattern": {"shape": "/"}}, name="France")
    fig.update_layout(height=300, barmode="stack", legend={"orientation": "h", "y": -0.3})
    return fig


# Each export starts a Chromium, which costs more than the drawings: the tests below share a few.
@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Two charts drawn from an empty cache, and chart "one" again with a cache that cannot be
    written (a file where the folder should be): each export's (cache, drawings)."""
    first = tmp_path_factory.mktemp("a")
    blocked = tmp_path_factory.mktemp("b") / "not-a-folder"
    blocked.write_text("")
    return (
        (first, draw.drawings({"one": figure(), "two": figure("Intention")}, first)),
        (blocked, draw.drawings({"one": figure()}, blocked)),
    )


@pytest.fixture(scope="module")
def drawn(exports):
    """The drawings of the two exports."""
    return exports[0][1], exports[1][1]


def test_a_drawing_is_the_same_bytes_on_every_export(drawn):
    first, again = drawn
    assert first["one"] == again["one"]  # plotly's random ids replaced by names of the chart


def test_drawings_follow_the_theme_and_fit_their_box(drawn):
    for chart in drawn[0].values():
        for width, svg in chart.items():
            assert "var(--chart-fg)" in svg and "var(--chart-grid)" in svg
            assert "rgb(1, 2, 3)" not in svg and "rgb(4, 5, 6)" not in svg
            assert svg.startswith('<svg aria-hidden="true" focusable="false" class="main-svg"')
            assert f'viewBox="0 0 {draw.WIDTHS[width]} 300"' in svg
            assert not svg.split(">", 1)[0].count(' width="')  # sized by CSS, not fixed pixels


def test_nothing_in_a_drawing_takes_focus(drawn):
    """The drawing is aria-hidden: a link in it would be a focus stop screen readers can't name."""
    for chart in drawn[0].values():
        for svg in chart.values():
            assert "£3m" in svg and "<a " not in svg and "tabindex" not in svg


def test_two_drawings_in_one_page_share_no_id(drawn):
    import re

    ids = [i for chart in drawn[0].values() for svg in chart.values() for i in re.findall(r' id="([^"]+)"', svg)]
    assert ids and len(ids) == len(set(ids))


def test_the_cache_is_used_and_checked(tmp_path, exports, monkeypatch):
    folder, drawn = exports[0]
    assert len(list(folder.glob("*.svg"))) == len(drawn) * len(draw.WIDTHS)  # the export wrote each drawing
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)

    def no_export(todo):
        assert not todo, "a cached drawing was drawn again"
        return []

    monkeypatch.setattr(draw, "export", no_export)
    assert draw.drawings({"one": figure()}, tmp_path) == {"one": drawn["one"]}


# Drawings planted in the cache (anyone on the machine may write there). An XML parser reads each
# of these as harmless or as a drawing with a script, and a browser's HTML parser as a live script.
PLANTED = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<!--><script>alert(1)</script>-->",
    "<?x y><script>alert(1)</script>?>",
    "<foreignObject><img src=x onerror=alert(1) xmlns='http://www.w3.org/1999/xhtml'/></foreignObject>",
    "<foreignobject><iframe xmlns='http://www.w3.org/1999/xhtml' src='https://x.example/'/></foreignobject>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<rect style="fill: u\\72l(https://x.example/a.png)"/>',
    '<rect style="fill: url(https://x.example/a.png)"/>',
    '<use href="https://x.example/s.svg#a"/>',
    '<rect onload="alert(1)"/>',
    '<style>@import "https://x.example/a.css";</style>',
]


@pytest.fixture(scope="module")
def replanted(tmp_path_factory):
    """Each of PLANTED in one cached drawing, two to a chart ("planted0", …: its wide drawing and
    its narrow one), and every chart drawn from that cache in one export: (where each text was
    planted, by text: its chart and its drawing job; the charts' fresh drawings; the drawings read
    from the planted cache; the cache folder afterwards)."""
    charts = {f"planted{i}": figure(f"Planted {i}") for i in range(0, len(PLANTED), len(draw.WIDTHS))}
    jobs = [(chart, job) for chart, fig in charts.items() for job in draw.jobs(chart, fig)]
    assert len(jobs) == len(PLANTED)
    where = dict(zip(PLANTED, jobs))
    clean, planted = tmp_path_factory.mktemp("clean"), tmp_path_factory.mktemp("planted")
    fresh = draw.drawings(charts, clean)
    for text, (_, job) in where.items():
        poisoned = (clean / f"{job.key}.svg").read_text().replace("</svg>", text + "</svg>")
        assert text in poisoned
        (planted / f"{job.key}.svg").write_text(poisoned)
    return where, fresh, draw.drawings(charts, planted), planted


@pytest.mark.parametrize("planted", PLANTED)
def test_a_planted_drawing_never_reaches_the_page(replanted, planted):
    """The page gets only what the sanitiser writes: a cached drawing that fails the allowlist is
    drawn again, so the page holds the fresh drawing, byte for byte."""
    where, fresh, read, folder = replanted
    chart, job = where[planted]
    assert read[chart] == fresh[chart]
    assert planted not in (folder / f"{job.key}.svg").read_text(), "the poisoned cache was kept"


def test_planted_text_is_written_out_escaped(tmp_path, exports, monkeypatch):
    """What the allowlist lets through is inert: text is text, even where a browser would read tags."""
    shutil.copytree(exports[0][0], tmp_path, dirs_exist_ok=True)
    for path in tmp_path.glob("*.svg"):
        path.write_text(path.read_text().replace("£3m", "&lt;img src=x onerror=alert(1)&gt;"))
    monkeypatch.setattr(draw, "export", lambda todo: [] if not todo else pytest.fail("drawn again"))
    svg = draw.drawings({"one": figure()}, tmp_path)["one"]["wide"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg and "<img" not in svg


def test_a_cache_that_cannot_be_written_does_not_stop_the_build(exports):
    blocked, drawn = exports[1]
    assert blocked.is_file() and blocked.read_text() == ""
    assert drawn["one"]["wide"].startswith("<svg") and drawn["one"]["narrow"].startswith("<svg")


def test_the_narrow_drawing_puts_the_legend_above_the_plot():
    wide, narrow = (j.figure for j in draw.jobs("c", figure()))
    assert wide.layout.legend.y == -0.3 and wide.layout.width == draw.WIDTHS["wide"]
    assert narrow.layout.legend.y == 1.0 and narrow.layout.legend.yanchor == "bottom"
    assert narrow.layout.width == draw.WIDTHS["narrow"]


SVG = '<svg xmlns="http://www.w3.org/2000/svg">{}</svg>'


@pytest.mark.parametrize(
    "inner,found",
    [
        ("<script>alert(1)</script>", "<script> element"),
        ("<SCRIPT>alert(1)</SCRIPT>", "<SCRIPT> element"),
        ("<!--><script>alert(1)</script>-->", "comment"),
        ("<?x y><script>alert(1)</script>?>", "processing instruction"),
        ("<foreignObject/>", "<foreignObject> element"),
        ("<foreignobject/>", "<foreignobject> element"),
        ('<image href="https://x.example/a.png"/>', "<image> element"),
        ('<rect onclick="alert(1)"/>', "event handler"),
        ('<a href="javascript:alert(1)"><text>x</text></a>', "<a> element"),
        ('<rect style="fill: url(https://x.example/)"/>', "characters"),
        ('<rect style="fill: url(#missing)"/>', "characters"),
        ('<rect style="fill: u\\72l(https://x.example/)"/>', "characters"),
        ('<rect style="background-image: none"/>', "background-image"),
        ('<rect fill="url(https://x.example/#a)"/>', "characters"),
        ('<rect filter="url(#a)"/>', "attribute"),
        ('<rect xmlns:x="http://www.w3.org/1999/xlink" x:href="#a"/>', "attribute"),
        ('<g><svg xmlns="http://www.w3.org/2000/svg"/></g>', "<svg> element"),
        ("<unclosed>", "not well-formed"),
        ("<g>" * 5000 + "</g>" * 5000, "too deeply"),
        ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><text>&a;</text>', "declaration"),
    ],
)
def test_check_refuses_what_could_run_or_load(inner, found):
    with pytest.raises(draw.DrawError, match=found):
        draw.check(SVG.format(inner), "test")


def test_check_writes_out_only_what_it_allows():
    svg = SVG.format(
        '<defs><pattern id="p1"><path d="M0,0h4"/></pattern></defs>'
        '<rect style="fill: url(\'#p1\'); fill-opacity: 1"/><text x="1">&lt;script&gt;&amp;<![CDATA[</text>'
    ).replace("<![CDATA[", "")
    out = draw.check(svg, "test")
    assert out == (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><pattern id="p1"><path d="M0,0h4"/></pattern></defs>'
        '<rect style="fill: url(&#39;#p1&#39;); fill-opacity: 1;"/><text x="1">&lt;script&gt;&amp;</text></svg>'
    )
    assert draw.check(out, "test") == out  # a cached drawing reads back to the same bytes


def test_without_chromium_the_build_says_what_to_install(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(draw.DrawError, match="Install the chromium package"):
        draw.export(draw.jobs("c", figure())[:1])
