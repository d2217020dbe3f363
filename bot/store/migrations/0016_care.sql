-- Care for members in hardship (issue 15, 关爱帮扶 / 困难党员台账): a case per member in hardship or ill, the
-- member who visits them, and the visits logged. Self-contained: two new tables and their indexes; nothing
-- existing is touched.

CREATE TABLE care_cases (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id),
    source        TEXT NOT NULL CHECK (source IN ('ill', 'hardship', 'secretary')),  -- what opened it
    situation     TEXT NOT NULL DEFAULT '',           -- 情况, as told (the status note, or the secretary's words)
    visitor_id    INTEGER REFERENCES members(id) ON DELETE SET NULL,  -- 走访人: the liaison, or the one named
    opened_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,  -- NULL: a status, or an admin
    opened_at     TEXT NOT NULL,
    quiet_since   TEXT NOT NULL,   -- local date of the last activity (opening or latest visit): the reminder
    closed_at     TEXT,
    closed_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    outcome       TEXT            -- 结果, when closed
);
-- One open case per member: a second opening is refused (or, from a status, left to the open one).
CREATE UNIQUE INDEX care_cases_open ON care_cases (member_id) WHERE closed_at IS NULL;
-- The quiet-case reminder reads only open cases silent long enough.
CREATE INDEX care_cases_quiet ON care_cases (quiet_since) WHERE closed_at IS NULL;
CREATE INDEX care_cases_visitor ON care_cases (visitor_id) WHERE closed_at IS NULL;

CREATE TABLE care_visits (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES care_cases(id),
    visitor_id  INTEGER REFERENCES members(id) ON DELETE SET NULL,  -- who logged it
    visited_on  TEXT NOT NULL,    -- YYYY-MM-DD, local
    brought     TEXT NOT NULL,    -- 带去/办理: what was brought or arranged
    next_step   TEXT NOT NULL DEFAULT '',
    logged_at   TEXT NOT NULL
);
CREATE INDEX care_visits_case ON care_visits (case_id, visited_on);
