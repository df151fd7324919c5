"""Sets and maps of URLs that live as long as a crawl or an import, kept on disk.

What the crawl must remember of every URL it met (the links it queued, the pages taken, who
owns which page) grows with the site; held as Python strings it is the part of an import's
memory that grows with its WARC (about 1 KiB a page). These structures keep it in a private
temporary SQLite file (``sqlite3.connect("")``, like ``importer.CopiedRecords``): no name on
disk, gone with the process; SQLite holds a bounded page cache (``CACHE_KIB``), so memory
stays flat whatever their size. A look-up costs a few microseconds, against a page's
milliseconds of parsing.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Generic, TypeVar, overload

#: SQLite's page cache per structure, in KiB: small, the operating system's file cache holds
#: the rest; a structure smaller than this never reaches its file.
CACHE_KIB = 256

#: How many members a ``DiskSet`` found on disk, and entries a ``DiskMap`` read or wrote,
#: each keeps in memory too: a site's menu links are on every page, and a case's pages name
#: each other (their look-ups are most of a replay's).
RECENT = 1024

V = TypeVar("V")
T = TypeVar("T")


def _connect(columns: str) -> sqlite3.Connection:
    """A private temporary database with one table ``t (k TEXT UNIQUE, ...)``. Rows keep
    their insertion order (rowid): iteration follows it, like a ``dict``'s."""
    db = sqlite3.connect("")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"CREATE TABLE t (k TEXT NOT NULL UNIQUE{columns})")
    return db


class DiskSet:
    """A set of strings on disk: ``add``, ``in``, ``len``, iteration in insertion order."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self._db = _connect("")
        self._recent: dict[str, None] = {}
        """Members last found on disk, oldest first (at most ``RECENT``): none is ever
        removed from the set, so each answers ``in`` without a look-up."""
        self.update(items)

    def add(self, item: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO t VALUES (?)", (item,))

    def update(self, items: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO t VALUES (?)", ((i,) for i in items))

    def add_new(self, item: str) -> bool:
        """Add ``item``; True when it was no member (one statement, where ``in`` then
        ``add`` take two)."""
        if item in self._recent:
            return False
        return bool(self._db.execute("INSERT OR IGNORE INTO t VALUES (?)", (item,)).rowcount)

    def __contains__(self, item: object) -> bool:
        if item in self._recent:
            return True
        if self._db.execute("SELECT 1 FROM t WHERE k = ?", (item,)).fetchone() is None:
            return False
        if len(self._recent) >= RECENT:
            del self._recent[next(iter(self._recent))]
        self._recent[str(item)] = None
        return True

    def __iter__(self) -> Iterator[str]:
        return (str(row[0]) for row in self._db.execute("SELECT k FROM t ORDER BY rowid"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM t").fetchone()[0])

    def mapped(self, rename: Callable[[str], str]) -> DiskSet:
        """A new set of ``rename`` of each member (new URL rules: the URLs re-keyed)."""
        return DiskSet(map(rename, self))


class DiskMap(MutableMapping[str, V], Generic[V]):
    """A ``dict`` from strings to picklable values, on disk. Setting a key it holds keeps
    the key's place in the iteration order, as a ``dict`` does. Its values are never changed
    in place (tuples, strings, numbers): one read comes back as the object held in memory
    (``_recent``), another as a copy."""

    def __init__(self, items: Iterable[tuple[str, V]] = ()) -> None:
        self._db = _connect(", v BLOB NOT NULL")
        self._recent: dict[str, V] = {}
        """The entries last read or written, oldest first (at most ``RECENT``), as on
        disk: each answers without a look-up."""
        for key, value in items:
            self[key] = value

    def _remember(self, key: str, value: V) -> None:
        if key not in self._recent and len(self._recent) >= RECENT:
            del self._recent[next(iter(self._recent))]
        self._recent[key] = value

    def _read(self, key: str) -> tuple[V] | None:
        """(its value,), or None when ``key`` is not in the map."""
        if key in self._recent:
            return (self._recent[key],)
        row = self._db.execute("SELECT v FROM t WHERE k = ?", (key,)).fetchone()
        if row is None:
            return None
        value: V = pickle.loads(row[0])
        self._remember(key, value)
        return (value,)

    def __getitem__(self, key: str) -> V:
        found = self._read(key)
        if found is None:
            raise KeyError(key)
        return found[0]

    def __setitem__(self, key: str, value: V) -> None:
        self._db.execute("INSERT INTO t VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = "
                         "excluded.v", (key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))
        self._remember(key, value)

    def __delitem__(self, key: str) -> None:
        self._recent.pop(key, None)
        if self._db.execute("DELETE FROM t WHERE k = ?", (key,)).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self._recent or self._db.execute(
            "SELECT 1 FROM t WHERE k = ?", (key,)).fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        return (str(row[0]) for row in self._db.execute("SELECT k FROM t ORDER BY rowid"))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM t").fetchone()[0])

    @overload
    def get(self, key: str) -> V | None: ...

    @overload
    def get(self, key: str, default: V | T) -> V | T: ...

    def get(self, key: str, default: object = None) -> object:
        """One look-up at most (``Mapping.get`` goes through ``KeyError``)."""
        found = self._read(key)
        return default if found is None else found[0]

    def setdefault(self, key: str, default: V) -> V:
        """One write when ``key`` is new, where ``MutableMapping``'s reads first."""
        if key in self._recent:
            return self._recent[key]
        if self._db.execute("INSERT OR IGNORE INTO t VALUES (?, ?)",
                            (key, pickle.dumps(default, pickle.HIGHEST_PROTOCOL))).rowcount:
            self._remember(key, default)
            return default
        return self[key]

    def rows(self) -> Iterator[tuple[str, V]]:
        """(key, value) in insertion order, read in one pass (``items`` looks each up)."""
        for key, value in self._db.execute("SELECT k, v FROM t ORDER BY rowid"):
            yield str(key), pickle.loads(value)
