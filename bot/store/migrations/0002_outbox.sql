-- The persisted outbox: one row per message to one chat, with a unique key. Reminders, alerts and
-- notices are enqueued here in the transaction that decides them, and a sender drains the rows.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,   -- e.g. report:before:12:2026-11, notice:5:12
    kind        TEXT NOT NULL,          -- reminder, alert, notice, summary, …
    ref         TEXT,                   -- what it belongs to, e.g. notice:5
    member_id   INTEGER REFERENCES members(id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    text        TEXT NOT NULL,          -- rendered HTML in the recipient's language
    buttons     TEXT,                   -- JSON rows of {"text", "data"} or {"text", "url"}
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  INTEGER,
    error       TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_status ON outbox (status, id);
CREATE INDEX outbox_ref ON outbox (ref);
CREATE INDEX outbox_member ON outbox (member_id, kind);
