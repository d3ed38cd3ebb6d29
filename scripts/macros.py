"""mkdocs-macros entry point: only `define_env`, so a move to Zensical (which emulates it) stays easy.

Macros return HTML built by scripts/site/render.py from the package of the build under way
(scripts/build.py): loaded, validated, derived and its charts drawn before the macros plugin starts.
"""

from __future__ import annotations

from scripts import build
from scripts.model import citations
from scripts.model.derive import long_date
from scripts.model.links import public_url
from scripts.publish import export
from scripts.site import charts, render


def define_env(env) -> None:
    made = build.running()
    site = made.site
    # The pages about "the annex" (home, annex, commitments, methodology) count and chart the main
    # document, the first in documents.csv; lists, downloads and citations of the data are every document's.
    main = site.main
    site_url = public_url(env.conf)

    def here() -> str:
        return env.page.url if env.page else ""

    # Pages print these with {{ }}, and macros' Jinja does not autoescape: escape them here, once.
    env.variables["package"] = {
        "cited": render.e(citations.cited_version(site)),
        "download_folder": render.e(export.download_names(site.released_version)["folder"]),
        "workbook": render.e(export.download_names(site.released_version)["workbook"]),
        "homepage": render.e(site.descriptor.get("homepage", "")),
        "counts": {name: len(rows) for name, rows in site.tables.items()},
        "annex_counts": {name: len(rows) for name, rows in main.tables.items()},
        "top_level": len(main.top_level),
        # The assessment window of commitments that name no period (methodology).
        "default_window_end": render.e(long_date(main.default_window_end)) if main.default_window_end else "",
        "document": {k: render.e(v) for k, v in main.document.items()},
    }

    @env.macro
    def annex_text() -> str:
        """The annex, paragraph by paragraph, with every figure, date, term and commitment linked."""
        return render.annex(main, here(), main.document["document_id"])

    @env.macro
    def other_documents() -> str:
        """With more than one document, a line naming the others and their pages; else nothing."""
        return render.other_documents(site, here())

    @env.macro
    def record_list(table: str) -> str:
        """The first page of a kind's list (scripts/kinds.py), on the page in docs/ that introduces it."""
        return render.record_list(site, table, here())

    @env.macro
    def commitment_counts() -> str:
        """The one way the site counts commitments: once each, by strength."""
        return render.e(main.strength_sentence())

    @env.macro
    def chart(chart_id: str) -> str:
        return render.chart(site, chart_id, site_url)

    @env.macro
    def chart_answer(chart_id: str) -> str:
        """A chart's question and answer as a sentence, where two bars would say no more."""
        return render.chart_answer(site, chart_id, here())

    @env.macro
    def funding_answer() -> str:
        return render.e(charts.funding_sentence(main))

    @env.macro
    def key_figures() -> str:
        return render.key_figures(main, here())

    @env.macro
    def data_dictionary() -> str:
        return render.data_dictionary(site)

    @env.macro
    def downloads() -> str:
        return render.downloads(site, here())

    history = list(reversed(made.changelog))  # newest first

    @env.macro
    def changelog() -> str:
        return render.changelog(history)

    @env.macro
    def versions_table() -> str:
        return render.versions_table(history, here())

    @env.macro
    def data_bibtex() -> str:
        return render.e(citations.bibtex(site, site_url, "dataset", site.descriptor["title"], "data/"))

    @env.macro
    def site_citation() -> str:
        return render.e(citations.dataset(site, site_url))
