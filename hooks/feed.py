"""An Atom feed of new follow-up evidence, at /feed.xml."""
from pathlib import Path

from scripts.derive import Site
from scripts.render import atom_feed


def on_post_build(config, **kwargs):
    feed = atom_feed(Site.load(), config.get("site_url") or "")
    (Path(config["site_dir"]) / "feed.xml").write_bytes(feed)
