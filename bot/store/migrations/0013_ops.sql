-- Operations (issue 16): what `/health` and `python -m bot health` show.

-- One row per backup the bot (or `python -m bot backup`) took: when, where, how big, and whether it passed
-- `PRAGMA integrity_check`. A restore brings back the table as it was in the backup.
CREATE TABLE backups (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,           -- UTC ISO 8601, as everywhere
    finished_at TEXT NOT NULL,
    file        TEXT NOT NULL,           -- the backup's file name (no folder: the folder is BACKUP_DIR)
    bytes       INTEGER,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error       TEXT                     -- why it failed: an exception's class and message, never personal data
);
CREATE INDEX backups_time ON backups (started_at);

-- The last reminder sweep: one row, updated by every sweep (a separate process — the health command — reads it).
CREATE TABLE sweep_runs (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    at       TEXT NOT NULL,
    took_ms  INTEGER NOT NULL
);
