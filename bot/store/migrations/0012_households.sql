-- 党员联户 and 民情诉求 (issue 15): the households each member serves, their visits, and residents' requests
-- followed to the end. Residents' names and phones live here only (never in logs).

-- A household as the import names it: one row per (户主, 楼栋, 单元, 房号); `member_id` is the member linked
-- to it (联户党员). `last_visit_at` is kept here so lists and the weekly reminder read one row per household.
CREATE TABLE households (
    id             INTEGER PRIMARY KEY,
    head           TEXT NOT NULL,                 -- 户主
    building       TEXT NOT NULL DEFAULT '',      -- 楼栋
    entrance       TEXT NOT NULL DEFAULT '',      -- 单元
    room           TEXT NOT NULL DEFAULT '',      -- 房号
    phone          TEXT,
    people         INTEGER,                       -- 人口
    member_id      INTEGER REFERENCES members(id) ON DELETE SET NULL,
    note           TEXT,                          -- 备注: 困难户, 独居老人 …
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    last_visit_at  TEXT,
    UNIQUE (head, building, entrance, room)
);
CREATE INDEX households_member ON households (member_id, last_visit_at);

-- A visit (走访) by a member: what was found.
CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    found         TEXT NOT NULL,
    at            TEXT NOT NULL,
    local_date    TEXT NOT NULL
);
CREATE INDEX visits_household ON visits (household_id, at);

-- A resident's request (民情诉求): received → in_progress → resolved; passed_up to the branch secretary, who
-- takes it (in_progress, they handle it), passes it to the community committee (committee), or gives it back
-- with advice (in_progress again, the member handles it). `handler_id` is who has it now; `unit_id` the
-- branch it belongs to (the household member's unit when logged).
CREATE TABLE requests (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    visit_id      INTEGER REFERENCES visits(id) ON DELETE SET NULL,
    logged_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    handler_id    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    text          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'received'
                  CHECK (state IN ('received', 'in_progress', 'passed_up', 'committee', 'resolved')),
    advice        TEXT,                           -- the secretary's advice when it was given back
    resolution    TEXT,                           -- what was done (办结)
    satisfaction  TEXT CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    resolved_at   TEXT
);
CREATE INDEX requests_handler ON requests (handler_id, state);
CREATE INDEX requests_unit ON requests (unit_id, state);

-- Each step of a request, for its history and the export.
CREATE TABLE request_steps (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    member_id   INTEGER REFERENCES members(id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    note        TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX request_steps_request ON request_steps (request_id, id);

-- Due chains (see 0008): 'visit' — a member's weekly reminder of households not visited for a while
-- (subject and member_id: the member); 'request' — an open request's 7-day and 15-day reminders (subject: the
-- request, member_id: its handler).
CREATE TRIGGER due_household_linked AFTER INSERT ON households WHEN NEW.member_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('visit', NEW.member_id, NEW.member_id, '0001-01-01T00:00:00+00:00');
END;

CREATE TRIGGER due_household_moved AFTER UPDATE OF member_id ON households
WHEN NEW.member_id IS NOT OLD.member_id
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        SELECT 'visit', NEW.member_id, NEW.member_id, '0001-01-01T00:00:00+00:00' WHERE NEW.member_id IS NOT NULL;
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'visit' AND subject IN (OLD.member_id, NEW.member_id);
END;

CREATE TRIGGER due_request_logged AFTER INSERT ON requests WHEN NEW.state != 'resolved'
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('request', NEW.id, NEW.handler_id, '0001-01-01T00:00:00+00:00');
END;

CREATE TRIGGER due_request_moved AFTER UPDATE OF state, handler_id ON requests
BEGIN
    DELETE FROM due WHERE kind = 'request' AND subject = NEW.id AND NEW.state = 'resolved';
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', member_id = NEW.handler_id, version = version + 1
    WHERE kind = 'request' AND subject = NEW.id;
END;
