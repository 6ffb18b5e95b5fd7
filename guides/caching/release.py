"""Which code this process runs: a digest of the project's code, templates, translations and
static files, read once per process. Pages kept in a shared cache are kept under it, so that
instances of a new deploy never serve a page the last one built (its markup, its hashed
stylesheet names, its texts), even while the content it shows is unchanged."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings

# What a page is made from, besides the content: the apps' code and templates, the project's
# templates, translations and static files.
PARTS = ("accounts", "cancelflow", "guides", "templates", "locale", "static")


@cache
def code_version() -> str:
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for part in PARTS:
        folder = root / part
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
