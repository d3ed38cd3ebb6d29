"""An Atom feed of new follow-up evidence, at /feed.xml."""

from pathlib import Path

from scripts import pipeline
from scripts.feeds import atom_feed
from scripts.links import public_url


def on_post_build(config, **kwargs):
    feed = atom_feed(pipeline.site(), public_url(config))
    (Path(config["site_dir"]) / "feed.xml").write_bytes(feed)
