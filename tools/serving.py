"""Building and serving the site on 127.0.0.1, shared by the tests and the benchmarks: one way to
build, one server, one list of the site's pages."""

from __future__ import annotations

import gzip
import io
import mimetypes
import os
import socket
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scripts.paths import ROOT

BIN = Path(sys.executable).parent
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/atom+xml",
)


def build(
    site_dir: Path,
    site_url: str,
    package_dir: Path | None = None,
    timeout: float | None = None,
    repo: Path = ROOT,
    env: dict | None = None,
):
    """`mkdocs build --strict` of `repo` into `site_dir` (a CompletedProcess; TimeoutExpired past
    `timeout`). `env`: the environment to start from (default: this process's)."""
    env = {**(os.environ if env is None else env), "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    if package_dir:
        env["ANNEX_DATAPACKAGE"] = str(package_dir)
    else:
        env.pop("ANNEX_DATAPACKAGE", None)
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site_dir)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site as a URL path ("" is home), except the 404 page and downloads."""
    pages = []
    for p in site.rglob("index.html"):
        parts = p.relative_to(site).parts
        if parts[0] == "data" and len(parts) > 2:
            continue  # downloads, not pages
        pages.append("" if p.parent == site else "/".join(parts[:-1]) + "/")
    return sorted(pages)


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files; text, JavaScript, JSON and SVG gzipped when the client accepts it."""

    cache: dict[Path, bytes] = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        ctype = mimetypes.guess_type(str(path))[0] or ""
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not ctype.startswith(COMPRESSIBLE)
        ):
            return super().send_head()
        with self.lock:
            if path not in self.cache:
                self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self.cache[path]
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        super().end_headers()


def serve(folder: Path, port: int) -> ThreadingHTTPServer:
    """Serve `folder` on 127.0.0.1:`port` from a background thread, gzipped as GitHub Pages serves it."""
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
