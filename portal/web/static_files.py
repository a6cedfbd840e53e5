"""Static files served by WhiteNoise under names that carry their content's hash, cached for a year and
compressed, so that a page after the first costs its HTML alone (a cheap phone on a slow line).

At start-up each file of the portal's static folder is copied into the instance folder as ``name.<hash>.ext``
with a gzip twin (WhiteNoise serves the twin to browsers that accept it); ``url_for('static', ...)`` then
writes the hashed name. A changed file gets a new name, so a year of caching never shows a stale one.
The plain names keep working (a bookmark, an old page), cached for a minute.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

COMPRESSIBLE = {".css", ".js", ".svg", ".html", ".txt", ".json"}
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
YEAR = 365 * 24 * 3600


def _write(path: Path, data: bytes) -> None:
    """Atomically, so that web workers starting together never serve half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _publish(source: Path, folder: Path) -> dict[str, str]:
    """Copy every file under ``source`` into ``folder`` by its plain and its hashed name; {plain: hashed}."""
    names = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")):
        plain = path.relative_to(source).as_posix()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        hashed = f"{plain[: -len(path.suffix)] if path.suffix else plain}.{digest}{path.suffix}"
        for name in (plain, hashed):
            _write(folder / name, data)
            if path.suffix in COMPRESSIBLE:
                _write(folder / f"{name}.gz", gzip.compress(data, compresslevel=9, mtime=0))
        names[plain] = hashed
    return names


def init_app(app: Flask) -> None:
    folder = Path(app.instance_path) / "static"
    names = _publish(Path(app.static_folder), folder)

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    def immutable(path: str, url: str) -> bool:
        return bool(HASHED.search(url))

    def safe_headers(headers, path: str, url: str) -> None:
        headers["X-Content-Type-Options"] = "nosniff"

    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(folder), prefix=app.static_url_path.strip("/") + "/",
                              max_age=60, immutable_file_test=immutable, add_headers_function=safe_headers)
