"""Every escaping rule of the project, one function per place data text lands.

Data text (every CSV cell, every descriptor field) is untrusted: it reaches a page, a feed, a
drawing or a download only through one of these functions, or through Jinja's autoescaping, which
uses the same rule as `html_text`. Each function is the whole rule for its context; tests/model/
test_escape.py holds a table of inputs, hostile ones among them, and what each must come out as.

One spelling per escape: HTML is escaped by markupsafe (the library behind Jinja's autoescaping),
which writes &amp; &lt; &gt; &#34; &#39;. Nothing here writes &quot; or &#x27;.

This module is the bottom layer: it imports nothing from scripts/.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape


def _plain(value: object) -> str:
    """The value as text: None as nothing, and `Markup` as its characters (data is never trusted
    as markup because it once was)."""
    return "" if value is None else str.__str__(value) if isinstance(value, str) else str(value)


# -- HTML -----------------------------------------------------------------------------------------
def html_text(value: object) -> Markup:
    """Text inside an HTML element: & < > " ' as references, the spelling Jinja's autoescaping writes."""
    return escape(_plain(value))


def html_attribute(value: object) -> Markup:
    """A double-quoted attribute value: the same references as `html_text` (both quotes included, so
    the value cannot end the attribute, whichever quote surrounds it)."""
    return escape(_plain(value))


def html_lines(value: object) -> Markup:
    """Text kept on its lines in a page written on one line (a BibTeX entry in a <pre>): escaped as
    `html_text`, each line break as the reference &#10;, which Markdown does not read as a line."""
    return Markup(str(html_text(_plain(value).replace("\r\n", "\n"))).replace("\n", "&#10;"))


# -- JSON inside HTML -----------------------------------------------------------------------------
def script_json(json_text: str) -> str:
    """Serialised JSON made safe inside <script> (and in an attribute, after `html_attribute`):
    < > & as \\u escapes, so no string can close the script or open a comment. The JSON means the
    same; a caller serialises as it needs (plotly's encoder, sorted keys)."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def json_script(data: object) -> str:
    """`data` as JSON for a <script>: keys sorted, non-ASCII as itself, escaped as `script_json`."""
    return script_json(json.dumps(data, ensure_ascii=False, sort_keys=True))


# -- Plotly ---------------------------------------------------------------------------------------
def plotly_label(value: object) -> str:
    """Text for a Plotly label, title or hover text. Plotly draws a subset of HTML in them (<b>, <br>,
    <a href>, <span style>) and decodes &amp; &lt; &gt; and numeric references only (not &quot;), so
    & < > are escaped and quotes, which are not markup outside a tag, stay as they are."""
    return _plain(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- Markdown -------------------------------------------------------------------------------------
# Three renderers read Markdown here, and each needs its own rule: a backslash before a character
# the renderer does not list shows as a backslash.

# Python-Markdown's escapable characters, and "|" for its tables extension.
PAGE_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def markdown_page(value: object) -> Markup:
    """Data on a Markdown line of a page (a heading), read by Python-Markdown: on one line,
    HTML-escaped as `html_text`, and every character Markdown could read as syntax backslash-escaped
    (the "#" of a reference too: Python-Markdown puts it back)."""
    return Markup(PAGE_MARKDOWN_SPECIAL.sub(r"\\\1", str(html_text(" ".join(_plain(value).split())))))


# CommonMark lets a backslash escape any ASCII punctuation; these are the marks that are syntax.
FILE_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&!#|~{}()])")


def markdown_file(value: object) -> str:
    """Data in a Markdown file read on GitHub (CHANGELOG.md): every character Markdown or HTML could
    read as syntax backslash-escaped (CommonMark shows an escaped mark as itself), on one line (a
    line break as the two characters \\n)."""
    return FILE_MARKDOWN_SPECIAL.sub(r"\\\1", _plain(value).replace("\r", "\\r").replace("\n", "\\n"))


# What can turn a table cell into markup on GitHub: "[" (links, images), "|" (cells), emphasis and
# code, a backslash (it would cancel the escapes) and "_" at a word's edge. "_" inside a word is
# plain text in GitHub Markdown, so identifiers stay readable in a terminal.
CELL_MARKDOWN_SPECIAL = re.compile(r"[\\`*\[|~]|(?<!\w)_|_(?!\w)")


def markdown_cell(value: object) -> str:
    """Data in a cell of a GitHub Markdown table (the data diff, read in CI and in a terminal): the
    syntax above backslash-escaped, & < > as references, each line break shown as " ↵ "."""
    text = CELL_MARKDOWN_SPECIAL.sub(lambda m: "\\" + m[0], _plain(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "").replace("\n", " ↵ ")


# -- BibTeX and YAML ------------------------------------------------------------------------------
BIBTEX_SPECIAL = re.compile(r"([{}%&#_$\\])")


def bibtex_field(value: object) -> str:
    """Text inside a braced BibTeX field: the characters BibTeX or LaTeX read as syntax, backslashed."""
    return BIBTEX_SPECIAL.sub(r"\\\1", _plain(value))


def yaml_string(value: object) -> str:
    """A YAML front-matter value: a JSON string, which YAML reads as a double-quoted scalar (no
    tag, anchor, comment or line break can come out of it)."""
    return json.dumps(_plain(value))
