"""The database as files: the consistent, checked copy a backup is, what a file to restore holds, and the log of
sent messages read from one database into another. Plain `sqlite3` (blocking): callers run these in a worker
thread or outside the running bot."""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from bot.store.db import migrations

log = logging.getLogger(__name__)

#: A delivery's final states: it went (or will never go) and must not be sent again.
_FINAL = "('sent', 'failed', 'uncertain', 'cancelled')"


class BackupFailed(Exception):
    """The copy did not pass its check."""


def copy_database(source: Path, target: Path) -> int:
    """Copy `source` to `target` consistently and check the copy; its size in bytes. Blocking: run it in a
    thread. Raises `BackupFailed` (or sqlite3/OS errors) and leaves no `target` when anything goes wrong."""
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    fd = os.open(part, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(source, timeout=30)
        try:
            dest = sqlite3.connect(part)
            try:
                src.backup(dest)  # pages=-1: the whole database in one step, from one read transaction
                dest.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
                check = [row[0] for row in dest.execute("PRAGMA integrity_check")]
            finally:
                dest.close()
        finally:
            src.close()
        if check != ["ok"]:
            raise BackupFailed("integrity_check: " + "; ".join(str(c) for c in check[:3]))
        os.chmod(part, 0o600)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target.stat().st_size


class UnreadableDatabase(Exception):
    """SQLite cannot read the file as a database (not one at all, or damaged); the message says how."""


def copy_readonly(source: Path, target: Path) -> None:
    """Copy the database `source` into the new file `target` through SQLite, without writing to `source`: a copy
    made by hand of a database in WAL mode (the file and its -wal) comes whole, not just its main file."""
    try:
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(target)
            try:
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise UnreadableDatabase(str(exc)) from None


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database file holds, as far as a restore must know; `error` when SQLite cannot read it at all."""

    integrity: list[str] = field(default_factory=list)
    version: int = 0
    tables: set[str] = field(default_factory=set)
    error: str | None = None


def inspect_database(path: Path) -> DatabaseFacts:
    try:
        conn = sqlite3.connect(path)
        try:
            check = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return DatabaseFacts(error=str(exc))
    return DatabaseFacts(check, version, tables)


# ------------------------------------------------------------------------------------------- the schema

#: (type, name) → (table, normalised SQL) of every schema object but SQLite's own (`sqlite_%`).
Schema = dict[tuple[str, str], tuple[str, str]]


def normalised_sql(sql: str | None) -> str:
    """`sql` as compared: comments dropped, identifier quotes ("", ``, []) dropped, lower case outside string
    literals, runs of white space as one space and none next to punctuation. SQLite keeps a statement's text as
    written (comments included), and quotes the names it rewrites when a table is renamed: neither is a change."""
    if sql is None:
        return ""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "'":  # a string literal, kept as it is ('' inside)
            end = i + 1
            while end < n and not (sql[end] == "'" and (end + 1 >= n or sql[end + 1] != "'")):
                end += 2 if sql[end] == "'" else 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            out.append(" ")
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif ch in '"`[':
            close = {'"': '"', "`": "`", "[": "]"}[ch]
            end = sql.find(close, i + 1)
            end = n if end < 0 else end
            out.append(sql[i + 1 : end].lower())
            i = end + 1
        elif ch.isspace():
            out.append(" ")
            i += 1
        else:
            out.append(ch.lower())
            i += 1
    text = " ".join("".join(out).split())
    for mark in "(),;=":
        text = text.replace(f" {mark}", mark).replace(f"{mark} ", mark)
    return text.rstrip(";")


def schema_of(conn: sqlite3.Connection) -> Schema:
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite^_%' ESCAPE '^'"
    )
    return {(str(kind), str(name)): (str(table), normalised_sql(sql)) for kind, name, table, sql in rows}


def expected_schema(version: int) -> Schema:
    """The schema this code's migrations 1 … `version` make, in a database of nothing else (in memory)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA foreign_keys = ON")  # as `Database.migrate` runs them
        for number, sql in migrations():
            if number > version:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        return schema_of(conn)
    finally:
        conn.close()


@dataclass(frozen=True)
class SchemaDifference:
    """What a file's schema has that it should not (`extra`), lacks (`missing`), or has otherwise (`changed`):
    each "type name" (`trigger steal_outbox`)."""

    extra: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.extra or self.missing or self.changed)


def schema_difference(path: Path, version: int) -> SchemaDifference:
    """How the schema of the database at `path` differs from the one migrations 1 … `version` make."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        found = schema_of(conn)
    finally:
        conn.close()
    wanted = expected_schema(version)

    def named(keys: set[tuple[str, str]]) -> list[str]:
        """Tables first, then views, triggers and indexes: what matters most is named first."""
        order = {"table": 0, "view": 1, "trigger": 2, "index": 3}
        return [f"{kind} {name}" for kind, name in sorted(keys, key=lambda key: (order.get(key[0], 9), key[1]))]

    return SchemaDifference(
        extra=named(set(found) - set(wanted)),
        missing=named(set(wanted) - set(found)),
        changed=named({key for key in set(found) & set(wanted) if found[key] != wanted[key]}),
    )


def waiting(path: Path) -> int:
    """Deliveries still to send (pending, or in flight when the copy was made)."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0])
    finally:
        conn.close()


@dataclass(frozen=True)
class Reconciled:
    log_read: bool = False  # the database being replaced could be read
    settled: int = 0  # deliveries pending in the backup that the log shows went (or failed) after it
    recorded: int = 0  # reminders/alerts/summaries decided after the backup, recorded as they went
    problem: str = ""


def reconcile(restored: Path, current: Path) -> Reconciled:
    """Bring what the log of sent messages (the outbox in `current`) knows into `restored`. Never fails: a log
    that cannot be read (the reason for a restore may be that it is broken) is reported, not fatal."""
    if not current.exists():
        return Reconciled(problem="no current database")
    conn = sqlite3.connect(restored, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS log", (str(current),))
        conn.execute("BEGIN IMMEDIATE")
        # Deliveries the backup still had to send (or had in flight) that went out, or failed, after it.
        settled = conn.execute(
            "UPDATE main.outbox AS o SET status = l.status, message_id = l.message_id, error = l.error, "
            "sent_at = l.sent_at, attempts = l.attempts FROM log.outbox AS l "
            "WHERE l.key = o.key AND l.chat_id = o.chat_id AND o.status IN ('pending', 'sending') "
            f"AND l.status IN {_FINAL}"
        ).rowcount
        # Decided after the backup by the sweep or an after-send hook, which would decide them again: recorded
        # as they went, when what they belong to is in the backup too (ids of things made after the backup are
        # given out again after the restore, so their keys would stand for something else).
        recorded = conn.execute(
            "INSERT OR IGNORE INTO main.outbox (key, kind, ref, member_id, chat_id, text, buttons, status, "
            "attempts, message_id, error, created_at, sent_at) "
            "SELECT l.key, l.kind, l.ref, l.member_id, l.chat_id, l.text, l.buttons, l.status, l.attempts, "
            "l.message_id, l.error, l.created_at, l.sent_at FROM log.outbox AS l "
            f"WHERE l.status IN {_FINAL} AND l.kind IN ('reminder', 'alert', 'summary') "
            "AND NOT EXISTS (SELECT 1 FROM main.outbox AS o WHERE o.key = l.key) "
            "AND (l.member_id IS NULL OR EXISTS (SELECT 1 FROM main.members AS m WHERE m.id = l.member_id)) "
            "AND CASE "
            "  WHEN l.ref LIKE 'meeting:%' THEN EXISTS (SELECT 1 FROM main.notices AS n "
            "       WHERE n.id = CAST(substr(l.ref, 9) AS INTEGER)) "
            "  WHEN l.ref LIKE 'notice-summary:%' THEN EXISTS (SELECT 1 FROM main.notices AS n "
            "       WHERE n.id = CAST(substr(l.ref, 16) AS INTEGER)) "
            "  WHEN l.ref LIKE 'notice:%' THEN EXISTS (SELECT 1 FROM main.notices AS n "
            "       WHERE n.id = CAST(substr(l.ref, 8) AS INTEGER)) "
            "  WHEN l.ref LIKE 'duty:%' THEN EXISTS (SELECT 1 FROM main.duty_logs AS d "
            "       WHERE d.id = CAST(substr(l.ref, 6) AS INTEGER)) "
            "  ELSE 1 END ORDER BY l.id"
        ).rowcount
        conn.execute("COMMIT")
        return Reconciled(True, settled, recorded)
    except sqlite3.DatabaseError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        log.warning("restore: the log of sent messages could not be read: %s", exc)
        return Reconciled(problem=f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


#: Where people were in multi-step commands (issue 16, item 3): not brought back by a restore.
_CONVERSATION_TABLES = ("conversation_states", "conversation_user_data")


def forget_conversations(path: Path) -> int:
    """Clear the conversations kept in a restored copy: a draft from the backup's time is hours old, the messages
    its buttons belong to have been answered since, and it may name things the restore undid. How many were
    forgotten."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        present = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        forgotten = 0
        conn.execute("BEGIN IMMEDIATE")
        for table in _CONVERSATION_TABLES:
            if table in present:
                forgotten += conn.execute(f"DELETE FROM {table}").rowcount
        conn.execute("COMMIT")
        return forgotten
    finally:
        conn.close()
