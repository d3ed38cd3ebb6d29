"""The build's stages (scripts/build.py), each at the MkDocs event that gives it its turn, in the
order MkDocs runs them. A stage that cannot go on fails the build with its own message, in full,
and no traceback.

on_startup       serve or build: `mkdocs serve` is the preview
on_config        1-3. load and validate, derive, chart and draw; the term tooltips. First of all
                 (priority 100): the macros plugin and the pages read the package loaded here
on_files         4. pages: record, list and embed pages, added to the site's files
on_page_context  5. publish: the data page's schema.org metadata, in its head, as it renders
on_post_build    5. publish: the downloads of every version, one record's downloads, the feed;
                 plotly.js, served from the site itself. Under `mkdocs serve`, the downloads are
                 written just after the pages are served, so no page (and no next save) waits

Under `mkdocs serve`, a save that breaks the data does not fail the rebuild (a failed rebuild leaves
the preview server waiting for a good one, and every page request hangs): the site is built from the
last data that passed, with the validator's messages in a banner on every page, and nothing is
published from the files on disk until a save makes them valid again.
"""

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import plotly.offline
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

from scripts import build, kinds
from scripts.model.links import public_url
from scripts.paths import PLOTLY_JS
from scripts.publish import versions
from scripts.site import render

log = logging.getLogger("mkdocs.hooks.build")
# Failures a maintainer reads as they are: the validator's lines, a release record's file and field.
STOPS = (build.BuildError, versions.ReleaseError)

_warned = [False]


def on_startup(command, **kwargs):
    # Once per process: `mkdocs serve` runs on_startup once, before its first build.
    build.serving = command == "serve"


@event_priority(100)
def on_config(config, **kwargs):
    next_generation()  # a preview's downloads still being written are now out of date
    try:
        made, problems = build.start()  # 1. load and validate, 2. derive
        made.draw()  # 3. chart and draw
    except STOPS as exc:
        raise PluginError(str(exc)) from None
    if made.drawn_in_page and not _warned[0]:
        _warned[0] = True
        # Printed, not logged: a logged warning would stop `mkdocs serve --strict`.
        print(
            "WARNING -  No Chromium: charts are drawn in the page by plotly.js, as a preview. "
            "`make build` (what is published) needs Chromium to draw them.",
            file=sys.stderr,
        )
    # Shown by overrides/main.html; escaped by scripts/site/render.py's autoescaping, not by the theme.
    config.extra["data_problems"] = render.data_problems(problems) if problems else ""
    if problems:
        # At INFO: a warning would fail this --strict rebuild, and the preview would hang again.
        log.info(
            "The data is invalid; the preview shows the last data that passed until the next save:\n%s",
            "\n".join(problems),
        )
    config.mdx_configs.setdefault("abbr", {})["glossary"] = made.glossary()
    add_lists_to_nav(config)
    return config


def on_files(files, config, **kwargs):
    pages = build.running().pages(public_url(config), config["extra"].get("data_repository", ""))  # 4. pages
    written, firsts = {f.src_uri for f in files}, first_list_pages()
    for src, content in pages.items():
        if src in written:
            continue  # a list's first page that docs/ writes, with words of its own
        # Record pages and the further pages of lists are reached from the lists, not the nav.
        inclusion = InclusionLevel.UNDEFINED if src in firsts else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, src, content=content, inclusion=inclusion))
    return files


def first_list_pages() -> dict[str, str]:
    """Each list's first page (scripts/kinds.py), as a Markdown file → the list's title."""
    return {build.md_path(k.records.address): k.records.title for k in kinds.with_lists()}


def add_lists_to_nav(config) -> None:
    """A list that docs/ has no page for is generated (on_files): into the nav after the other lists."""
    nav, firsts = config["nav"], first_list_pages()
    if nav is None:
        return
    listed = [i for i, item in enumerate(nav) if isinstance(item, dict) and set(item.values()) & firsts.keys()]
    named = {v for item in nav if isinstance(item, dict) for v in item.values()}
    at = listed[-1] + 1 if listed else len(nav)
    config["nav"] = nav[:at] + [{title: src} for src, title in firsts.items() if src not in named] + nav[at:]


def on_page_context(context, page, config, nav, **kwargs):
    # In the head, not the content: instant navigation re-runs scripts found in the page content.
    if page.file.src_uri == "data.md":
        page.meta["jsonld"] = build.running().jsonld(public_url(config))
    return context


def on_post_build(config, **kwargs):
    site_dir = Path(config["site_dir"])
    vendor_plotly(site_dir)
    if build.running_problems():
        # The preview shows the last data that passed while the files on disk fail the validator:
        # the downloads are made from those files, so none are published until a save fixes them.
        return
    made, site_url = build.running(), public_url(config)
    if not build.serving:
        try:
            made.publish(site_dir, site_url)  # 5. publish
        except STOPS as exc:
            raise PluginError(str(exc)) from None
        return
    with _moving:
        generation = _generation[0]
    threading.Thread(target=publish_in_preview, args=(made, site_dir, site_url, generation), daemon=True).start()


# The preview publishes in a thread, into a folder of its own, and moves what it wrote into the
# site only if no build has started since (`_generation`): a save soon after another never waits
# for the downloads of data already replaced, and never gets them.
_moving = threading.Lock()
_generation = [0]


def next_generation() -> None:
    with _moving:
        _generation[0] += 1


def publish_in_preview(made: build.Build, site_dir: Path, site_url: str, generation: int) -> None:
    with tempfile.TemporaryDirectory(prefix="annex-publish-") as tmp:
        try:
            made.publish(Path(tmp), site_url)
        except STOPS as exc:
            print(f"ERROR   -  The downloads could not be written: {exc}", file=sys.stderr)
            return
        with _moving:
            if generation != _generation[0]:
                return
            for path in sorted(Path(tmp).rglob("*")):
                if path.is_file():
                    target = site_dir / path.relative_to(tmp)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)


def vendor_plotly(site_dir: Path) -> None:
    """plotly.js from the pinned npm partial bundle, never from a CDN: the version plotly.py builds for."""
    package = json.loads((PLOTLY_JS.parent / "package.json").read_text()) if PLOTLY_JS.exists() else {}
    if package.get("version") != plotly.offline.get_plotlyjs_version():
        raise PluginError(
            f"{PLOTLY_JS} must be plotly.js {plotly.offline.get_plotlyjs_version()} "
            "(the version plotly.py builds for); run `make install`"
        )
    target = site_dir / "assets" / "javascripts" / "plotly-basic.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLOTLY_JS, target)
