"""scripts/escape.py, one table per context: input → exactly what must come out, hostile inputs among
them. Each expected string is spelled out in full, so a change of rule shows here as a failed row."""

from __future__ import annotations

import json

import pytest
import yaml
from markupsafe import Markup

from scripts import escape

HOSTILE = '<script>alert("x")</script>'


@pytest.mark.parametrize(
    "value,expected",
    [
        ("plain", "plain"),
        (None, ""),
        (3, "3"),
        ("a & b", "a &amp; b"),
        ("&amp;", "&amp;amp;"),  # a reference in the data is text: shown as typed
        (HOSTILE, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"),
        ('it\'s "quoted"', "it&#39;s &#34;quoted&#34;"),  # one spelling: never &quot; or &#x27;
        (Markup("<b>bold</b>"), "&lt;b&gt;bold&lt;/b&gt;"),  # data once wrapped as Markup is still data
        ("line\nbreak", "line\nbreak"),
        ("{{ config }} {% raw %}", "{{ config }} {% raw %}"),  # inserted after Jinja has run
        ("\u202egnp.exe", "\u202egnp.exe"),  # shown as is; the validator refuses bidi overrides
    ],
)
def test_html_text(value, expected):
    out = escape.html_text(value)
    assert out == expected
    assert isinstance(out, Markup)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("https://example.org/?a=1&b=2", "https://example.org/?a=1&amp;b=2"),
        ('x" onmouseover="alert(1)', "x&#34; onmouseover=&#34;alert(1)"),
        ("x' onfocus='alert(1)", "x&#39; onfocus=&#39;alert(1)"),
        ("javascript:alert(1)", "javascript:alert(1)"),  # which addresses are links: descriptor.is_https
        ("a > b", "a &gt; b"),
        (None, ""),
    ],
)
def test_html_attribute(value, expected):
    assert escape.html_attribute(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("@misc{a,\n  title = {x}\n}", "@misc{a,&#10;  title = {x}&#10;}"),
        ("a\r\nb", "a&#10;b"),
        ("</pre><script>\n", "&lt;/pre&gt;&lt;script&gt;&#10;"),
        ("no break", "no break"),
    ],
)
def test_html_lines(value, expected):
    assert escape.html_lines(value) == expected


@pytest.mark.parametrize(
    "json_text,expected",
    [
        (
            '{"a": "</script><script>alert(1)</script>"}',
            r'{"a": "\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"}',
        ),
        ('{"a": "<!-- x -->"}', r'{"a": "\u003c!-- x --\u003e"}'),
        ('{"a": "R&D"}', r'{"a": "R\u0026D"}'),
        ('{"a": "plain"}', '{"a": "plain"}'),
    ],
)
def test_script_json(json_text, expected):
    out = escape.script_json(json_text)
    assert out == expected
    assert json.loads(out) == json.loads(json_text)  # the same data, whatever the escapes


@pytest.mark.parametrize(
    "data,expected",
    [
        ({"b": 1, "a": "é"}, '{"a": "é", "b": 1}'),
        ({"x": HOSTILE}, r'{"x": "\u003cscript\u003ealert(\"x\")\u003c/script\u003e"}'),
        ({"x": "a & b > c"}, r'{"x": "a \u0026 b \u003e c"}'),
    ],
)
def test_json_script(data, expected):
    assert escape.json_script(data) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2015", "2015"),
        ('<a href="javascript:alert(1)">x</a>', '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;'),
        ("<br>", "&lt;br&gt;"),
        ("<span style='font-size:99px'>", "&lt;span style='font-size:99px'&gt;"),
        ("R&D", "R&amp;D"),
        ("&lt;", "&amp;lt;"),
        ('it\'s "q"', 'it\'s "q"'),  # Plotly does not decode &quot;: quotes stay as typed
        (None, ""),
    ],
)
def test_plotly_label(value, expected):
    assert escape.plotly_label(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("*a* [b](c) <i>", r"\*a\* \[b\]\(c\) &lt;i&gt;"),
        ("C8.1", r"C8\.1"),
        ("# not a heading", r"\# not a heading"),
        ("it's", r"it&\#39;s"),  # Python-Markdown puts the "#" back: the page reads it&#39;s
        ("a_b | c", r"a\_b \| c"),
        ("two\n\nparagraphs  and   spaces", "two paragraphs and spaces"),  # one line, or the heading ends
        ("{#id .class}", r"\{\#id \.class\}"),  # no attribute list from the data
        ("- item", r"\- item"),
        (HOSTILE, r"&lt;script&gt;alert\(&\#34;x&\#34;\)&lt;/script&gt;"),
    ],
)
def test_markdown_page(value, expected):
    assert escape.markdown_page(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("*a* [b](c)", r"\*a\* \[b\]\(c\)"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
        ("a_b ~~s~~ | #1 {x} &amp; !", r"a\_b \~\~s\~\~ \| \#1 \{x\} \&amp; \!"),
        ("two\nlines\r", r"two\\nlines\\r"),  # GitHub shows two\nlines\r, on one line
        ("C8.1 - done", "C8.1 - done"),  # not syntax inside a line
        ("back\\slash", r"back\\slash"),
    ],
)
def test_markdown_file(value, expected):
    assert escape.markdown_file(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("commitment_id", "commitment_id"),  # "_" inside a word stays readable
        ("_emphasis_", r"\_emphasis\_"),
        ("a | b", r"a \| b"),
        ("[link](https://x.org) *b* `c` ~d~", r"\[link](https://x.org) \*b\* \`c\` \~d\~"),
        (HOSTILE, '&lt;script&gt;alert("x")&lt;/script&gt;'),
        ("R&D", "R&amp;D"),
        ("one\r\ntwo", "one ↵ two"),
        ("back\\slash", r"back\\slash"),
    ],
)
def test_markdown_cell(value, expected):
    assert escape.markdown_cell(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("Calais & Dunkirk", r"Calais \& Dunkirk"),
        ("100% of {x}", r"100\% of \{x\}"),
        ("a_b #1 $5", r"a\_b \#1 \$5"),
        ("}, note = {injected", r"\}, note = \{injected"),  # cannot close the field
        ("back\\slash", r"back\\slash"),
        ("plain", "plain"),
    ],
)
def test_bibtex_field(value, expected):
    assert escape.bibtex_field(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("Title", '"Title"'),
        ("a: b", '"a: b"'),
        ("two\nlines\n---\nrender_macros: true", '"two\\nlines\\n---\\nrender_macros: true"'),
        ('"quoted" \\', '"\\"quoted\\" \\\\"'),
        ("&anchor *alias !!python/object", '"&anchor *alias !!python/object"'),
        ("Café", '"Caf\\u00e9"'),
        (None, '""'),
    ],
)
def test_yaml_string(value, expected):
    out = escape.yaml_string(value)
    assert out == expected
    assert yaml.safe_load(f"title: {out}\n") == {"title": "" if value is None else value}
