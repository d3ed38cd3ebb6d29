"""Site addresses: where each record's page lives, and relative links between pages.

Relative links keep the site working under any base path (GitHub Pages serves it under /repo/).
"""

from __future__ import annotations

import posixpath

from scripts import kinds


def public_url(config) -> str:
    """The site's public address, for citations, feeds and share previews: SITE_URL when the deploy
    sets it, else the project's published address, never the preview server's (127.0.0.1)."""
    return config["extra"].get("public_url") or config.get("site_url") or ""


def rel(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs ("" is home; "figures/x/"; fragments allowed)."""
    path, _, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    out = posixpath.relpath(path or ".", base or ".")
    is_dir = not path or path.endswith("/")
    out = "./" if out == "." else out + ("/" if is_dir and not out.endswith("/") else "")
    return out + (f"#{fragment}" if fragment else "")


def annex_url(document_id: str, main: bool) -> str:
    """A document's annex page: the main document's (the first in documents.csv) at annex/, where
    it has always been; any other at annex/DOCUMENT_ID/ (an identifier is a slug: rules.SafeIdentifiers)."""
    return "annex/" if main else f"annex/{document_id}/"


def paragraph_url(annex: str, pid: str) -> str:
    """A paragraph on its document's annex page (`annex_url`): paragraph ids are a document's own."""
    return f"{annex}#para-{pid}"


# Rows per page of a list (figures, commitments, glossary, timeline): at 50 rows the heaviest list
# pages (commitments and timeline, with their charts) hold under 1,500 elements, which a phone
# handles; a longer list is split into numbered pages.
PAGE_ROWS = 50


def list_page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def record_url(table: str, key: str, position: int = 0) -> str:
    """Where a record is shown (scripts/kinds.py): its own page, or its entry on the page of its list
    that holds it, `position` being its place in the list's order."""
    kind = kinds.get(table)
    if kind is None:
        raise KeyError(f"{table}: no record kind")
    if kind.address:
        return kind.url(key)
    return list_page_url(kind.records.address, position // PAGE_ROWS + 1) + "#" + kind.anchor.format(key)
