"""schema.org Dataset metadata in the head of the data page (in the head, since instant
navigation re-runs scripts found in the page content)."""

from scripts import pipeline
from scripts.model.links import public_url
from scripts.paths import PACKAGE_DIR, ROOT
from scripts.publish import versions
from scripts.publish.feeds import dataset_jsonld


def on_page_context(context, page, config, nav, **kwargs):
    if page.file.src_uri == "data.md":
        site = pipeline.site()
        modified = versions.last_data_change(ROOT, PACKAGE_DIR, site.descriptor.get("created", "")[:10])
        page.meta["jsonld"] = dataset_jsonld(site, public_url(config), modified)
    return context
