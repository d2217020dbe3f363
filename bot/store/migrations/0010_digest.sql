-- The daily digest (issue 12 §8): escalations to secretaries and liaisons are not sent one by one; each is
-- recorded here, under the very key the outbox would have used (so it is recorded once, never again), and
-- gathered into one message per person per day at DIGEST_TIME (bot/services/digest.py).
--
--   digest_key  NULL while the item waits; then the outbox key of the digest that carried it
--               ('digest:<recipient>:<local date>'), set in the transaction that queued that digest.
CREATE TABLE digest_items (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,     -- the key the outbox would have used (report:escalate:…, contact:stale:…)
    recipient_id INTEGER NOT NULL,         -- members.id of the secretary or liaison
    chat_id      INTEGER NOT NULL,         -- where the message it replaces would have gone
    kind         TEXT NOT NULL,            -- catalogue prefix of its heading and line (digest.report_overdue …)
    name         TEXT NOT NULL,            -- who it is about, as listed
    params       TEXT NOT NULL DEFAULT '{}', -- JSON: the line's other placeholders, already in the reader's words
    message_kind TEXT NOT NULL,            -- the message it replaces, in full (for the record): its kind,
    ref          TEXT,                     -- ref
    text         TEXT NOT NULL,            -- and text
    created_at   TEXT NOT NULL,
    digest_key   TEXT
);
-- The waiting items only: a sweep with nothing waiting reads an empty index.
CREATE INDEX digest_waiting ON digest_items (recipient_id, id) WHERE digest_key IS NULL;
