-- Status reports (党员动态报备), thought reports (思想汇报) and liaison contacts (专人联系).
CREATE TABLE status_reports (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    state      TEXT NOT NULL
               CHECK (state IN ('home', 'away_work', 'away_business', 'study', 'ill', 'hardship')),
    location   TEXT,
    note       TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX status_reports_member ON status_reports (member_id, at);

CREATE TABLE thought_reports (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    period        TEXT NOT NULL,           -- 2026-11 or 2026-Q4
    text          TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    replaced      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (member_id, period)
);
CREATE INDEX thought_reports_period ON thought_reports (period);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    liaison_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    note        TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX contacts_member ON contacts (member_id, at);

CREATE INDEX members_category ON members (category);
-- When the member was last heard from: a thought report, a status report, or a contact logged by
-- their liaison (kept here so the reminder sweep reads one row per member).
ALTER TABLE members ADD COLUMN last_seen_at TEXT;
