"""Charts drawn at build time (scripts/draw.py): one Chromium for every drawing, the same bytes on
every build, theme colours as CSS variables, a cache that can't plant anything in a page."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from scripts import draw

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


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Two charts drawn from an empty cache, and the same again from another empty cache."""
    first = draw.drawings({"one": figure(), "two": figure("Intention")}, tmp_path_factory.mktemp("a"))
    again = draw.drawings({"one": figure()}, tmp_path_factory.mktemp("b"))
    return first, again


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


def test_the_cache_is_used_and_checked(tmp_path, monkeypatch):
    cached = draw.drawings({"one": figure()}, tmp_path)
    files = sorted(tmp_path.glob("*.svg"))
    assert len(files) == len(draw.WIDTHS)

    def no_export(todo):
        assert not todo, "a cached drawing was drawn again"
        return []

    monkeypatch.setattr(draw, "export", no_export)
    assert draw.drawings({"one": figure()}, tmp_path) == cached
    # A drawing planted in the cache (anyone on the machine may write there) is refused.
    files[0].write_text(files[0].read_text().replace("</svg>", "<script>alert(1)</script></svg>"))
    with pytest.raises(draw.DrawError, match="<script> element"):
        draw.drawings({"one": figure()}, tmp_path)


def test_a_cache_that_cannot_be_written_does_not_stop_the_build(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    assert draw.drawings({"one": figure()}, blocked)["one"]["wide"].startswith("<svg")


def test_the_narrow_drawing_puts_the_legend_above_the_plot():
    wide, narrow = (j.figure for j in draw.jobs("c", figure()))
    assert wide.layout.legend.y == -0.3 and wide.layout.width == draw.WIDTHS["wide"]
    assert narrow.layout.legend.y == 1.0 and narrow.layout.legend.yanchor == "bottom"
    assert narrow.layout.width == draw.WIDTHS["narrow"]


@pytest.mark.parametrize(
    "svg,found",
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script> element"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "<foreignObject> element"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>', "<image> element"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>', "event handler"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
            "links somewhere",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://x.example/)"/></svg>', "style"),
        ("<svg><unclosed></svg>", "not well-formed"),
    ],
)
def test_check_refuses_what_could_run_or_load(svg, found):
    with pytest.raises(draw.DrawError, match=found):
        draw.check(svg, "test")


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(\'#p1\')"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<a xlink:href="https://www.gov.uk/"><text>&lt;script&gt;</text></a></svg>',
    ],
)
def test_check_accepts_patterns_links_and_escaped_text(svg):
    draw.check(svg, "test")


def test_without_chromium_the_build_says_what_to_install(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(draw.DrawError, match="Install the chromium package"):
        draw.export(draw.jobs("c", figure())[:1])
