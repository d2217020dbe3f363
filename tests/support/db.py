"""A fresh database for a test: a copy of one database migrated once per test process (each xdist worker has its
own), instead of every migration again for each test. `open_store(path)` opens the copy like `Store.open` does —
on a path that already holds a database (a restart, an earlier version built by a migration test) it only opens it.
Migration tests that start from nothing call `Store.open` themselves."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from bot.store import Store

_template: Path | None = None


async def migrated_template() -> Path:
    """The empty database with every migration applied, made on first use in this process."""
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="zhibu-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "template.sqlite3"
        store = await Store.open(path)
        await store.close()  # the last connection closed: the WAL is checkpointed into the file and removed
        assert not path.with_name(path.name + "-wal").exists()
        _template = path
    return _template


async def fresh_database(path: Path) -> None:
    """Put a migrated, empty database at `path`, unless a database is there already."""
    if path.exists():
        return
    template = await migrated_template()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)


async def open_store(path: Path) -> Store:
    """`Store.open(path)`, starting from a copy of the migrated template when there is no database yet."""
    await fresh_database(path)
    return await Store.open(path)
