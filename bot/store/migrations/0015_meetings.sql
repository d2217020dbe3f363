-- 三会一课 by the rules (issue 13): two new meeting types (组织生活会 `life`, 党委会 `party_committee`), who a
-- notice is for (its audience) and a 党课's speaker (授课人), whether each expected member had a vote and sat on
-- the committee when the notice went out (the quorum counts them), the approval of a leave (准假 / 不准, by
-- whom, when), and 补学 (a member absent from a meeting made it up later, on a date, with a note).
--
-- `notices.kind` is checked against a list, and SQLite cannot change a CHECK in place: the notices table is
-- rebuilt. Foreign keys are on while a migration runs, so dropping the old table would cascade into the
-- tables that reference it; the children are therefore rebuilt first against the new table (each copied
-- whole), the old tables are dropped children first (nothing references the old notices by then), and the
-- new ones take the old names (a rename carries the references along). Nothing is lost: every row is copied.

CREATE TABLE notices_new (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('general', 'committee', 'group', 'lecture', 'partyday', 'life',
                                  'party_committee', 'other')),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    starts_at     TEXT NOT NULL,            -- UTC ISO 8601
    place         TEXT NOT NULL,
    topic         TEXT NOT NULL,            -- 议题 (a 党课's 主题)
    created_by    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    creator_chat  INTEGER NOT NULL,         -- the convener's private chat: the summary and leave requests go there
    creator_lang  TEXT NOT NULL,
    created_at    TEXT NOT NULL,            -- when Send was pressed (stages before it are skipped)
    cancelled_at  TEXT,
    minutes       TEXT,                     -- 会议记录
    minutes_at    TEXT,
    -- who the notice is for: 'members' (everyone of the unit and the units under it) or 'committee' (the
    -- unit's committee members only: 支委会, 党委会). Notices before this migration went to everyone.
    audience      TEXT NOT NULL DEFAULT 'members' CHECK (audience IN ('members', 'committee')),
    speaker       TEXT                      -- 授课人 of a 党课
);
INSERT INTO notices_new (id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang,
                         created_at, cancelled_at, minutes, minutes_at)
    SELECT id, kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang, created_at,
           cancelled_at, minutes, minutes_at FROM notices;

-- Who was expected, as the roster stood when the notice went out: `votes` whether they had a vote (a full
-- member whose relation is here), `committee` whether they sat on the unit's committee. Earlier notices take
-- what the roster says today (the roster knew no membership or offices before issue 12 anyway).
CREATE TABLE notice_members_new (
    notice_id INTEGER NOT NULL REFERENCES notices_new(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    linked    INTEGER NOT NULL,
    votes     INTEGER NOT NULL DEFAULT 1,
    committee INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (notice_id, member_id)
);
INSERT INTO notice_members_new (notice_id, member_id, linked, votes, committee)
    SELECT e.notice_id, e.member_id, e.linked,
           COALESCE((SELECT m.membership = 'full' AND m.relation = 'here' FROM members m WHERE m.id = e.member_id), 1),
           EXISTS (SELECT 1 FROM member_offices o WHERE o.member_id = e.member_id AND o.office = 'committee')
           OR EXISTS (SELECT 1 FROM member_roles r WHERE r.member_id = e.member_id AND r.role = 'secretary')
    FROM notice_members e;

-- A leave is a request: `approval` pending until the convener or a secretary decides (approved = 准假,
-- refused = 不准). Leaves given before this migration were never decided: they stay pending.
CREATE TABLE rsvps_new (
    notice_id  INTEGER NOT NULL REFERENCES notices_new(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    answer     TEXT NOT NULL CHECK (answer IN ('attend', 'leave')),
    reason     TEXT,
    at         TEXT NOT NULL,
    approval   TEXT CHECK (approval IN ('pending', 'approved', 'refused')),   -- a leave's; NULL for attend
    decided_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    decided_at TEXT,
    PRIMARY KEY (notice_id, member_id)
);
INSERT INTO rsvps_new (notice_id, member_id, answer, reason, at, approval)
    SELECT notice_id, member_id, answer, reason, at, CASE answer WHEN 'leave' THEN 'pending' END FROM rsvps;

-- Check-ins as before (one row = present): `self` 本人签到, `proxy` 书记登记到会 (by_member: who registered
-- them; only in the check-in window from now on), `late` 补签 of old records (no longer written).
CREATE TABLE checkins_new (
    notice_id INTEGER NOT NULL REFERENCES notices_new(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    how       TEXT NOT NULL CHECK (how IN ('self', 'proxy', 'late')),
    by_member INTEGER REFERENCES members(id) ON DELETE SET NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (notice_id, member_id)
);
INSERT INTO checkins_new SELECT notice_id, member_id, how, by_member, at FROM checkins;

-- A trigger on members reads notice_members: it goes while the table is rebuilt and comes back unchanged
-- below (the triggers on notices and rsvps go with their tables and are made again below too).
DROP TRIGGER due_recipient_linked;
DROP TABLE checkins;
DROP TABLE rsvps;
DROP TABLE notice_members;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
ALTER TABLE notice_members_new RENAME TO notice_members;
ALTER TABLE rsvps_new RENAME TO rsvps;
ALTER TABLE checkins_new RENAME TO checkins;
CREATE INDEX notices_unit ON notices (unit_id, id);
CREATE INDEX notices_start ON notices (starts_at);
CREATE INDEX notice_members_member ON notice_members (member_id);

-- 补学: a member absent from a meeting made it up (studied its content) later. Never a check-in: shown apart.
CREATE TABLE makeups (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    on_date   TEXT NOT NULL,            -- YYYY-MM-DD, the day of the make-up
    note      TEXT NOT NULL,
    by_member INTEGER REFERENCES members(id) ON DELETE SET NULL,   -- who recorded it
    at        TEXT NOT NULL,
    PRIMARY KEY (notice_id, member_id)
);

-- The reminder triggers of issue 11 (`0008_due.sql`), made again on the rebuilt tables. Only the rsvps one
-- changes: a leave skips the reminders while it is pending or approved, so a leave refused (不准), or turned
-- into Attend, brings the member's reminder of the stage under way back.
CREATE TRIGGER due_recipient_linked AFTER UPDATE OF telegram_id ON members
WHEN NEW.telegram_id IS NOT NULL AND OLD.telegram_id IS NOT NEW.telegram_id
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject IN (SELECT notice_id FROM notice_members WHERE member_id = NEW.id);
END;

CREATE TRIGGER due_notice_published AFTER INSERT ON notices WHEN NEW.cancelled_at IS NULL
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('meeting', NEW.id, NULL, '0001-01-01T00:00:00+00:00');
END;

CREATE TRIGGER due_notice_changed AFTER UPDATE OF starts_at, cancelled_at, created_at ON notices
BEGIN
    DELETE FROM due WHERE kind = 'meeting' AND subject = NEW.id AND NEW.cancelled_at IS NOT NULL;
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject = NEW.id;
END;

CREATE TRIGGER due_rsvp_changed AFTER UPDATE OF answer, approval ON rsvps
WHEN (OLD.answer = 'leave' AND COALESCE(OLD.approval, 'pending') != 'refused')
     AND NOT (NEW.answer = 'leave' AND COALESCE(NEW.approval, 'pending') != 'refused')
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject = NEW.notice_id;
END;

CREATE TRIGGER due_rsvp_deleted AFTER DELETE ON rsvps WHEN OLD.answer = 'leave'
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject = OLD.notice_id;
END;
