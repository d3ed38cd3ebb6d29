"""One page per chart at /embed/CHART/, to embed in another site with an <iframe>."""

from mkdocs.structure.files import File

from scripts import pipeline
from scripts.model.links import public_url
from scripts.site.charts import CHARTS
from scripts.site.render import embed_page, embed_url

# Where each chart is shown on the site: an embed page links its readers there.
SHOWN_ON = {"timeline": "timeline/", "commitments": "commitments/"}


def on_files(files, config, **kwargs):
    site = pipeline.site()
    for chart_id in CHARTS:
        page = embed_page(site, chart_id, public_url(config), SHOWN_ON.get(chart_id, ""))
        files.append(File.generated(config, embed_url(chart_id).rstrip("/") + ".md", content=page))
    return files
