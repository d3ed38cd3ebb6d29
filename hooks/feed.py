"""An Atom feed of new follow-up evidence, at /feed.xml."""

from pathlib import Path

from scripts import pipeline
from scripts.model.links import public_url
from scripts.publish.feeds import atom_feed


def on_post_build(config, **kwargs):
    feed = atom_feed(pipeline.site(), public_url(config))
    (Path(config["site_dir"]) / "feed.xml").write_bytes(feed)
