"""Further pages of a long list (/commitments/page/2/, /glossary/page/2/, …): a list of more than
PAGE_ROWS rows is split so no page is too heavy for a phone. The first page stays the list's own page."""

from mkdocs.structure.files import File

from scripts import pipeline
from scripts.model.links import list_page_url
from scripts.site.render import LISTS, list_page, page_count


def on_files(files, config, **kwargs):
    site = pipeline.site()
    for table, kind in LISTS.items():
        for number in range(2, page_count(site, table) + 1):
            src = list_page_url(kind.base, number).rstrip("/") + ".md"
            files.append(File.generated(config, src, content=list_page(site, table, number)))
    return files
