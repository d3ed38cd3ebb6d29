"""One page per record of every kind that has them (scripts/kinds.py), generated from the CSVs at
every build; reached from their lists, not the nav."""

from mkdocs.structure.files import File, InclusionLevel

from scripts import pipeline
from scripts.model.links import public_url
from scripts.site.render import record_pages


def on_files(files, config, **kwargs):
    site = pipeline.site()
    repo_url = config["extra"].get("data_repository", "")
    for src, content in record_pages(site, public_url(config), repo_url):
        files.append(File.generated(config, src, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    return files
