"""One page per figure, commitment and term, and per document after the first, generated from the
CSVs at every build."""

from mkdocs.structure.files import File

from scripts import pipeline
from scripts.model.links import public_url
from scripts.site.render import RECORD_PAGES, document_pages


def on_files(files, config, **kwargs):
    site = pipeline.site()
    site_url = public_url(config)
    repo_url = config["extra"].get("data_repository", "")
    for table, (url, page) in RECORD_PAGES.items():
        key = site.key(table)
        for row in site.rows(table):
            src = url(row[key]).rstrip("/") + ".md"
            files.append(File.generated(config, src, content=page(site, row[key], site_url, repo_url)))
    # Each document but the main one (docs/annex.md) gets its own page at annex/DOCUMENT_ID/.
    for src, content in document_pages(site).items():
        files.append(File.generated(config, src, content=content))
    return files
