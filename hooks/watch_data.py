"""`mkdocs serve` rebuilds when a CSV, the descriptor or the build code changes, soon after the save,
and reuses what an edit does not change, keyed by content: the theme's compiled templates (by their
source, in every environment made from the theme), each page's HTML (by its Markdown and everything
else its conversion reads), its search entries (by its HTML) and the theme's page around it (by the
page, the navigation and the settings). An edit to one row then converts, indexes and lays out again
only the pages it changed. mkdocs-macros' `git` variable is kept by the state of the repository, and
which of the theme's files are static by their names. `mkdocs build` reuses nothing: every build of
what is published starts afresh."""

import copy
import hashlib
import json
import logging
import os
from pathlib import Path

import jinja2
import mkdocs_macros.context
from material.plugins.search.plugin import SearchIndex
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

from scripts import build
from scripts.paths import PACKAGE_DIR, ROOT

# How often the files are polled for a change (mkdocs' default is every 0.5 s): a save is seen
# sooner, at the cost of a stat of each watched file ten times a second.
POLL_SECONDS = 0.1
# How long the server waits for the saves to stop before it rebuilds (mkdocs' default 0.1 s): an
# editor writes a file in one go.
BUILD_DELAY = 0.02


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across rebuilds (each rebuild makes a new environment).
    Jinja checks each entry against its template's source, so an edited template compiles again."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_templates = TemplateCache()


def on_env(env, config, files, **kwargs):
    env.bytecode_cache = _templates
    if build.serving:  # the one preview flag, set by hooks/build.py's on_startup
        get_template = env.get_template
        env.get_template = lambda name, *args, **kw: KeptLayout(get_template(name, *args, **kw), name)
    return env


def on_serve(server, config, builder, **kwargs):
    for path in (PACKAGE_DIR, ROOT / "scripts", ROOT / "hooks", ROOT / "overrides"):
        server.watch(str(path))
    server.build_delay = BUILD_DELAY
    # mkdocs' observer has no public setting for this; its emitters read it at every poll.
    for poller in (server.observer, *server.observer.emitters):
        poller._timeout = POLL_SECONDS
    return server


class Kept:
    """What the last two builds made, by key: what an edit did not change is found again, and what
    no build asked for since the one before is let go, so the store holds about one site's worth."""

    def __init__(self):
        self.now: dict[str, object] = {}
        self.before: dict[str, object] = {}

    def next_build(self) -> None:
        self.before, self.now = self.now, {}

    def get(self, key: str):
        if key in self.before:
            self.now[key] = self.before.pop(key)
        return self.now.get(key)

    def put(self, key: str, value) -> None:
        self.now[key] = value


_pages, _entries, _layouts = Kept(), Kept(), Kept()


def digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=repr, ensure_ascii=False).encode()).hexdigest()


class Warned(logging.Handler):
    """Counts the warnings logged while a page converts: a page that warned is converted again next
    time (its warning fails a --strict rebuild), never taken from the store."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def keep_rendered_pages(render):
    """Page.render, with the result kept by everything the conversion reads: the page's Markdown and
    address, the Markdown settings (the term tooltips among them) and every file's address, which
    its links resolve against."""
    addresses: dict[int, str] = {}

    def kept_render(self, config, files):
        if id(files) not in addresses:  # once per build: every page of it sees the same files
            addresses.clear()
            addresses[id(files)] = digest(sorted((f.src_uri, f.url) for f in files))
        key = digest(
            self.file.src_uri,
            self.file.url,
            self.markdown,
            config["markdown_extensions"],
            config["mdx_configs"],
            config["validation"],
            addresses[id(files)],
        )
        found = _pages.get(key)
        if found is None:
            warned = Warned()
            logging.getLogger("mkdocs").addHandler(warned)
            try:
                render(self, config, files)
            finally:
                logging.getLogger("mkdocs").removeHandler(warned)
            if warned.count:
                return
            links = {f.src_uri: dict(v) for f, v in (self.links_to_anchors or {}).items()}
            found = (self.content, self.toc, self._title_from_render, set(self.present_anchor_ids or ()), links)
            _pages.put(key, found)
            return
        self.content, self.toc, self._title_from_render, anchors, links = found
        self.present_anchor_ids = set(anchors)
        self.links_to_anchors = {files.get_file_from_path(src): dict(v) for src, v in links.items()} or None

    return kept_render


def keep_search_entries(add):
    """The search plugin's indexing of a page, kept by the page's address, title, metadata and HTML."""

    def kept_add(self, page):
        key = digest(page.url, page.title, page.meta, page.content, str(page.toc))
        found = _entries.get(key)
        if found is None:
            before = len(self.entries)
            add(self, page)
            _entries.put(key, [dict(e) for e in self.entries[before:]])
            return
        self.entries.extend(dict(e) for e in found)

    return kept_add


class KeptLayout:
    """A theme template whose page layouts are kept by what they are made of: the page (address,
    title, HTML, contents, metadata, neighbours), and what every page shares (`_site`: the
    navigation, the settings, the theme's overrides). Any other template renders as it is."""

    def __init__(self, template: jinja2.Template, name: str):
        self.template, self.name = template, name

    def __getattr__(self, name):
        return getattr(self.template, name)

    def render(self, context):
        page = context.get("page") if isinstance(context, dict) else None
        if page is None or not _site:
            return self.template.render(context)
        neighbours = [(p.title, p.url) if p else None for p in (page.previous_page, page.next_page)]
        key = digest(
            self.name,
            _site[0],
            page.file.src_uri,
            page.url,
            page.title,
            page.content,
            str(page.toc),
            page.meta,
            page.canonical_url,
            page.edit_url,
            neighbours,
            [a.title for a in page.ancestors],
        )
        found = _layouts.get(key)
        if found is None:
            found = self.template.render(context)
            _layouts.put(key, found)
        return found


# What every page's layout shares in this build: set once the navigation is made (on_nav).
_site: list[str] = []


def on_nav(nav, config, files, **kwargs):
    overrides = sorted((p.as_posix(), p.stat().st_mtime_ns) for p in (ROOT / "overrides").rglob("*") if p.is_file())
    _site[:] = [digest(str(nav), config["extra"], dict(config["theme"]), config["site_url"], overrides)]
    return nav


def git_state(folder: Path) -> tuple | None:
    """Everything mkdocs-macros' git commands (log, describe, rev-parse) answer from but the objects,
    which never change: HEAD, the refs, the config files and the environment, for the repository
    around `folder` (None outside one)."""
    at = next((at for at in (folder, *folder.parents) if (at / ".git").exists()), None)
    if at is None:
        return None
    gitdir = at / ".git"
    if gitdir.is_file():  # a worktree: "gitdir: PATH"
        gitdir = at / gitdir.read_text().removeprefix("gitdir:").strip()
    common = gitdir / (gitdir / "commondir").read_text().strip() if (gitdir / "commondir").is_file() else gitdir
    files = [gitdir / "HEAD", gitdir / "config.worktree", common / "config", common / "packed-refs"]
    files += [common / "shallow", Path.home() / ".gitconfig", Path.home() / ".config/git/config"]
    files += sorted(p for d in {gitdir, common} for sub in ("refs", "reftable") for p in (d / sub).rglob("*"))
    state = [(str(p), p.read_bytes() if p.is_file() else None) for p in files]
    return (str(folder), tuple(sorted(os.environ.items())), tuple(state))


def keep_git_info(get_git_info):
    """mkdocs-macros' `git` variable (commit, tag, author: twelve git commands at every build), kept
    by the state of the repository it is asked in (`git_state`): asked again when a commit, a tag,
    a checkout or a config changes it."""
    kept: list = [None, None]

    def kept_git_info():
        state = git_state(Path.cwd())
        if state is None:
            return get_git_info()
        if kept[0] != state:
            kept[:] = [state, get_git_info()]
        return copy.deepcopy(kept[1])

    return kept_git_info


def keep_theme_filter(add_files_from_theme):
    """Files.add_files_from_theme, with its filter's answers kept: whether a file of the theme is a
    static file to copy (each of its 14,500 names matched against a dozen patterns, at every build)
    depends only on the name and the theme's static templates, which are the key."""
    answers: dict[str, dict[str, bool]] = {}

    def kept_add(self, env, config):
        kept = answers.setdefault(digest(config.theme.static_templates), {})
        list_templates = env.list_templates

        def listed(extensions=None, filter_func=None):
            if filter_func is None or extensions is not None:
                return list_templates(extensions, filter_func)

            def kept_filter(name: str) -> bool:
                if name not in kept:
                    kept[name] = filter_func(name)
                return kept[name]

            return list_templates(filter_func=kept_filter)

        env.list_templates = listed
        try:
            add_files_from_theme(self, env, config)
        finally:
            del env.list_templates

    return kept_add


def keep_compiled(get_env):
    """Theme.get_env, its environment compiling with the kept templates (`TemplateCache`): the search
    plugin makes three environments of its own at every build, to read its words from the theme's
    language templates, which would otherwise compile afresh each time."""

    def kept_get_env(self):
        env = get_env(self)
        env.bytecode_cache = _templates
        return env

    return kept_get_env


def on_startup(command, **kwargs):
    if command == "serve":  # once per process
        Page.render = keep_rendered_pages(Page.render)
        SearchIndex.add_entry_from_context = keep_search_entries(SearchIndex.add_entry_from_context)
        mkdocs_macros.context.get_git_info = keep_git_info(mkdocs_macros.context.get_git_info)
        Files.add_files_from_theme = keep_theme_filter(Files.add_files_from_theme)
        Theme.get_env = keep_compiled(Theme.get_env)


@event_priority(200)
def on_config(config, **kwargs):
    _site.clear()
    for kept in (_pages, _entries, _layouts):
        kept.next_build()
    return config
