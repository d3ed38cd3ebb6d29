"""The pages of the lists (scripts/kinds.py) that docs/ does not write: pages 2, 3… of a list of more
than PAGE_ROWS rows (/commitments/page/2/, /glossary/page/2/, …), split so no page is too heavy for a
phone, kept out of the nav; and the first page of a list docs/ has no page for, put in the nav after
the other lists."""

from mkdocs.structure.files import File, InclusionLevel

from scripts import kinds, pipeline
from scripts.model.links import list_page_url
from scripts.site.render import list_pages


def first_pages() -> dict[str, str]:
    """Each list's first page (its Markdown file) → the list's title."""
    return {list_page_url(k.records.address, 1).rstrip("/") + ".md": k.records.title for k in kinds.with_lists()}


def on_config(config, **kwargs):
    nav = config["nav"]
    if nav is None:
        return config
    listed = [i for i, item in enumerate(nav) if isinstance(item, dict) and set(item.values()) & first_pages().keys()]
    at = listed[-1] + 1 if listed else len(nav)
    named = {v for item in nav if isinstance(item, dict) for v in item.values()}
    missing = [{title: src} for src, title in first_pages().items() if src not in named]
    config["nav"] = nav[:at] + missing + nav[at:]
    return config


def on_files(files, config, **kwargs):
    site = pipeline.site()
    written = {f.src_uri for f in files}
    for src, content in list_pages(site, lambda src: src in written):
        in_nav = src in first_pages()
        inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, src, content=content, inclusion=inclusion))
    return files
