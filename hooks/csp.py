"""A Content-Security-Policy on every page: scripts, styles, images, fonts, fetches and workers
from the site's own origin only, so nothing a page holds can load or send anything elsewhere.

Inline scripts run only if the policy names their hash. The hashes are of the inline scripts the
theme's templates (partials/javascripts/) and overrides/main.html write, nothing else: a page
holding any other inline script fails the build. Styles may be inline (the drawings and plotly.js
style their elements with `style`); `url()` in them still loads only from the site's origin.
Images may also be data: and blob: URLs: the theme's icons, and plotly.js drawing a chart to PNG.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import material
from mkdocs.exceptions import PluginError

from scripts import build

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
JINJA = re.compile(r"\{\{.*?\}\}")
TEMPLATES = [
    Path(material.__file__).parent / "templates" / "partials" / "javascripts" / name
    for name in ("base.html", "palette.html", "content.html")
] + [ROOT / "overrides" / "main.html"]
POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)


def known_scripts() -> list[re.Pattern]:
    """Each inline script of the templates, as a pattern: a Jinja expression in it (the theme's
    base URL) may be any relative or absolute path, nothing else."""
    out = []
    for path in TEMPLATES:
        for m in SCRIPT.finditer(path.read_text(encoding="utf-8")):
            if "src=" in m["attrs"] or "json" in m["attrs"]:
                continue
            parts = JINJA.split(m["body"])
            out.append(re.compile(r"[\w./-]*".join(map(re.escape, parts))))
    return out


KNOWN = known_scripts()


def digest(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def with_policy(html: str, where: str) -> str:
    hashes = []
    for m in SCRIPT.finditer(html):
        if "src=" in m["attrs"] or re.search(r'type="application/(ld\+)?json"', m["attrs"]):
            continue  # a file of the site, or data that never runs
        if not any(k.fullmatch(m["body"]) for k in KNOWN):
            raise PluginError(f"{where}: an inline script that no template writes: {m['body'][:80]!r}")
        hashes.append(digest(m["body"]))
    meta = '<meta http-equiv="Content-Security-Policy" content="{}">'.format(
        POLICY.format(hashes=" ".join(sorted(set(hashes))))
    )
    # First in <head>, so it governs everything after it; a page without the marker fails the build
    # rather than ship with no policy.
    if '<meta charset="utf-8">' not in html:
        raise PluginError(f"{where}: no <meta charset> to put the Content-Security-Policy after")
    return html.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + meta, 1)


# `mkdocs serve` injects its live-reload script inline, with a new value each time: no policy there.
def on_post_page(output, page, config):
    return output if build.serving else with_policy(output, page.file.src_uri)


def on_post_template(output_content, template_name, config):
    if build.serving or not template_name.endswith(".html"):
        return output_content
    return with_policy(output_content, template_name)
