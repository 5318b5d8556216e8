"""A disk cache of work that depends only on a file's bytes: parsed clause front matter and template analyses.

A 5,000-clause library spends most of its load time building YAML nodes and walking Jinja syntax trees;
both are pure functions of the text and of clausegen's own code. Entries are keyed by the sha256 of
that text, and the whole cache file by a hash of the modules that produce the entries, so a stale entry
can never match: an edited clause has another hash, and changed code reads another cache file. A cache
file that cannot be read or has the wrong shape is ignored and rebuilt; a folder that cannot be written
only costs speed. The output never depends on the cache, only the time it takes.

Location: $CLAUSEGEN_CACHE_DIR, else $XDG_CACHE_HOME/clausegen, else ~/.cache/clausegen.
CLAUSEGEN_CACHE=off turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

# The modules whose code decides what an entry holds; editing any of them starts a new cache file.
_PRODUCERS = ("loading/strict_yaml.py", "loading/cache.py", "rendering/environment.py",
              "rendering/template_filters.py", "analysis.py",
              "models/profile.py", "__init__.py")
_MAX_ENTRIES = 200_000  # a cache file is never allowed to grow without bound


def folder() -> Path | None:
    if os.environ.get("CLAUSEGEN_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    if os.environ.get("CLAUSEGEN_CACHE_DIR"):
        return Path(os.environ["CLAUSEGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clausegen"


@cache
def _code_key() -> str:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _PRODUCERS:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    return digest.hexdigest()[:24]


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class DiskCache:
    """One JSON file of entries, read once and written once (atomically) when something was added."""

    def __init__(self, where: Path | None) -> None:
        self.path = where / f"entries-{_code_key()}.json" if where is not None else None
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.added = False
        self.hits = 0
        if self.path is not None:
            self.entries = _read(self.path)

    def get(self, entry_key: str) -> Any:
        value = self.entries.get(entry_key)
        if value is not None:
            self.used.add(entry_key)
            self.hits += 1
        return value

    def put(self, entry_key: str, value: Any) -> None:
        if self.path is None or len(self.entries) >= _MAX_ENTRIES:
            return
        self.entries[entry_key] = value
        self.used.add(entry_key)
        self.added = True

    def save(self) -> None:
        """Keep what this run used (entries of files since edited or removed are dropped)."""
        if self.path is None or not self.added:
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entries-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(kept, f, separators=(",", ":"))
            os.replace(tmp, self.path)
            _remove_old(self.path)
        except OSError:
            return  # only speed is lost
        self.added = False


def _remove_old(kept: Path) -> None:
    """Files of other clausegen code unused for 30 days (another installed version may still use a newer one)."""
    now = time.time()
    for other in kept.parent.glob("entries-*.json"):
        if other != kept and now - other.stat().st_mtime > 30 * 86400:
            other.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_current: tuple[tuple[str | None, ...], DiskCache] | None = None
_SETTINGS = ("CLAUSEGEN_CACHE", "CLAUSEGEN_CACHE_DIR", "XDG_CACHE_HOME", "HOME")


_active: DiskCache | None = None


@contextmanager
def session() -> Iterator[DiskCache]:
    """One load: the cache is looked up once (not per file) and saved at the end."""
    global _active
    store, previous = current(), _active
    _active = store
    try:
        yield store
    finally:
        _active = previous
        store.save()


def current() -> DiskCache:
    """The cache of this process, opened again when the environment names another folder."""
    global _current
    if _active is not None:
        return _active
    settings = tuple(os.environ.get(name) for name in _SETTINGS)
    if _current is None or _current[0] != settings:
        _current = (settings, DiskCache(folder()))
    return _current[1]
