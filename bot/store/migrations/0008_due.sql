-- What is due, by time: one row per chain of reminders that may still fall due, with the next moment to look
-- at it. The sweep reads only rows with `due_at <= now` (the index), works out what to send with the rules in
-- bot/services, and moves each row to its next moment (or deletes it when its chain is over).
--
--   kind       subject        member_id          the chain
--   report     member id      the member         a mobile member's thought reports: stages, escalations,
--                                                the liaison's 30-day no-contact warning
--   meeting    notice id      NULL               MEETING_REMINDERS before a live notice
--   mediation  duty log id    the post-holder    an ongoing mediation's follow-up date
--
-- Two moments are special: '0001-01-01T00:00:00+00:00' is "look now" (something it depends on changed) and
-- '9999-12-31T00:00:00+00:00' is "parked" (nothing falls due until something changes). Both are written by
-- bot/store/due.py too (ASAP, PARKED).
CREATE TABLE due (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    subject   INTEGER NOT NULL,
    member_id INTEGER,
    due_at    TEXT NOT NULL,             -- UTC ISO 8601, as everywhere
    mark      INTEGER,                   -- meeting: deliveries below this outbox id were covered at this stage
    version   INTEGER NOT NULL DEFAULT 0, -- bumped by every change below: the sweep never overwrites a newer look
    UNIQUE (kind, subject)
);
CREATE INDEX due_time ON due (due_at, id);
CREATE INDEX due_member ON due (member_id);

-- The settings the due times were worked out with (time zone, reminder stages): when they change, every row
-- is looked at again once.
CREATE TABLE due_rules (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
);

-- The missed-summary check reads the last week's notices.
CREATE INDEX notices_created ON notices (created_at);

-- Backfill: every chain that may still fall due is looked at by the first sweep.
INSERT INTO due (kind, subject, member_id, due_at)
    SELECT 'report', id, id, '0001-01-01T00:00:00+00:00' FROM members
    WHERE category = 'migrant' AND report_cadence IS NOT NULL AND active ORDER BY id;
INSERT INTO due (kind, subject, member_id, due_at)
    SELECT 'meeting', id, NULL, '0001-01-01T00:00:00+00:00' FROM notices WHERE cancelled_at IS NULL ORDER BY id;
INSERT INTO due (kind, subject, member_id, due_at)
    SELECT 'mediation', id, member_id, '0001-01-01T00:00:00+00:00' FROM duty_logs
    WHERE post = 'mediation' AND outcome = 'ongoing' AND followup_on IS NOT NULL ORDER BY id;

-- Upkeep, in the transaction of every change, whoever writes it: each trigger marks "look now" the chains
-- whose reminders may change. A change that can only take a reminder away needs no mark (the rules find
-- nothing when the row comes due), but marking is cheap and keeps the rules in one place.

-- A new mobile member: their report chain starts.
CREATE TRIGGER due_member_added AFTER INSERT ON members
WHEN NEW.category = 'migrant' AND NEW.report_cadence IS NOT NULL AND NEW.active
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('report', NEW.id, NEW.id, '0001-01-01T00:00:00+00:00');
END;

-- The member's own chains (report, mediations): mobile or not, since when, liaison, unit, reachable, last heard
-- from (a report, a status, a contact), on the roster or not.
CREATE TRIGGER due_member_changed AFTER UPDATE OF category, report_cadence, migrant_since, mobile_recorded_at,
    active, liaison_id, unit_id, linked_at, telegram_id, unreachable, last_seen_at ON members
WHEN OLD.category IS NOT NEW.category OR OLD.report_cadence IS NOT NEW.report_cadence
    OR OLD.migrant_since IS NOT NEW.migrant_since OR OLD.mobile_recorded_at IS NOT NEW.mobile_recorded_at
    OR OLD.active IS NOT NEW.active OR OLD.liaison_id IS NOT NEW.liaison_id OR OLD.unit_id IS NOT NEW.unit_id
    OR OLD.linked_at IS NOT NEW.linked_at OR OLD.telegram_id IS NOT NEW.telegram_id
    OR OLD.unreachable IS NOT NEW.unreachable OR OLD.last_seen_at IS NOT NEW.last_seen_at
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        SELECT 'report', NEW.id, NEW.id, '0001-01-01T00:00:00+00:00'
        WHERE NEW.category = 'migrant' AND NEW.report_cadence IS NOT NULL AND NEW.active;
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1 WHERE member_id = NEW.id;
END;

-- A liaison who can be reached again (or no longer): the warnings and escalations about the members they keep.
CREATE TRIGGER due_liaison_changed AFTER UPDATE OF active, linked_at, telegram_id, unreachable ON members
WHEN OLD.active IS NOT NEW.active OR OLD.linked_at IS NOT NEW.linked_at OR OLD.telegram_id IS NOT NEW.telegram_id
    OR OLD.unreachable IS NOT NEW.unreachable
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'report' AND member_id IN (SELECT id FROM members WHERE liaison_id = NEW.id);
END;

-- A secretary who can be reached again, or moved: the escalations about the mobile members of their unit.
CREATE TRIGGER due_secretary_changed AFTER UPDATE OF active, unit_id, linked_at, telegram_id, unreachable ON members
WHEN (OLD.active IS NOT NEW.active OR OLD.unit_id IS NOT NEW.unit_id OR OLD.linked_at IS NOT NEW.linked_at
      OR OLD.telegram_id IS NOT NEW.telegram_id OR OLD.unreachable IS NOT NEW.unreachable)
    AND EXISTS (SELECT 1 FROM member_roles WHERE member_id = NEW.id AND role = 'secretary')
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'report' AND member_id IN (SELECT id FROM members WHERE unit_id IN (OLD.unit_id, NEW.unit_id));
END;

-- A new secretary: the escalations about the mobile members of their unit.
CREATE TRIGGER due_secretary_added AFTER INSERT ON member_roles WHEN NEW.role = 'secretary'
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'report'
      AND member_id IN (SELECT id FROM members WHERE unit_id = (SELECT unit_id FROM members WHERE id = NEW.member_id));
END;

-- A member linked to a (new) Telegram account: the meeting reminders of the notices they were sent.
CREATE TRIGGER due_recipient_linked AFTER UPDATE OF telegram_id ON members
WHEN NEW.telegram_id IS NOT NULL AND OLD.telegram_id IS NOT NEW.telegram_id
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject IN (SELECT notice_id FROM notice_members WHERE member_id = NEW.id);
END;

-- A thought report filed: the open period moves on.
CREATE TRIGGER due_report_filed AFTER INSERT ON thought_reports
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'report' AND subject = NEW.member_id;
END;

-- An ongoing mediation with a follow-up date; a follow-up recorded (new outcome, new date).
CREATE TRIGGER due_mediation_logged AFTER INSERT ON duty_logs
WHEN NEW.post = 'mediation' AND NEW.outcome = 'ongoing' AND NEW.followup_on IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('mediation', NEW.id, NEW.member_id, '0001-01-01T00:00:00+00:00');
END;

CREATE TRIGGER due_mediation_followed AFTER UPDATE OF outcome, followup_on, member_id ON duty_logs
WHEN NEW.post = 'mediation'
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        SELECT 'mediation', NEW.id, NEW.member_id, '0001-01-01T00:00:00+00:00'
        WHERE NEW.outcome = 'ongoing' AND NEW.followup_on IS NOT NULL;
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', member_id = NEW.member_id, version = version + 1
    WHERE kind = 'mediation' AND subject = NEW.id;
END;

-- A notice published, moved or cancelled.
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

-- Someone on leave who now attends: their reminder of the stage under way (rare; the notice is looked at whole).
CREATE TRIGGER due_rsvp_changed AFTER UPDATE OF answer ON rsvps
WHEN OLD.answer = 'leave' AND NEW.answer != 'leave'
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject = NEW.notice_id;
END;

CREATE TRIGGER due_rsvp_deleted AFTER DELETE ON rsvps WHEN OLD.answer = 'leave'
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', mark = NULL, version = version + 1
    WHERE kind = 'meeting' AND subject = OLD.notice_id;
END;
