-- 发展党员 from the roster and from the minutes (issue 24): a person on the roster as 入党申请人, 积极分子 or 发展对象
-- is in the register, not in `members`; their Telegram id (`telegram_id`) lets them see their own record in a
-- private chat. A 支部党员大会 step (接收预备党员, 转正) may name the meeting and the resolution that took it
-- (`notice_id`, `resolution_seq`: minute_resolutions is keyed by the two), so its vote is the minutes' own.
-- NULL for everything recorded before this migration.
ALTER TABLE development ADD COLUMN telegram_id INTEGER;
CREATE INDEX development_telegram ON development (telegram_id) WHERE telegram_id IS NOT NULL;
ALTER TABLE development_steps ADD COLUMN notice_id INTEGER REFERENCES notices(id);
ALTER TABLE development_steps ADD COLUMN resolution_seq INTEGER;

-- 党费 arrears as a due chain (issue 25; the `due` table of migration 0008): one row per member with a dues rule,
-- kind `dues`, subject the member. It is made with the member's first rule and marked "look now" by what can
-- change their arrears: a rule set or reviewed, a payment or its correction, the member leaving, coming back,
-- linking or moving. Otherwise it sleeps until the first of next month (bot/services/dues/reminders.py).
INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
    SELECT DISTINCT 'dues', member_id, member_id, '0001-01-01T00:00:00+00:00' FROM dues_rules ORDER BY member_id;

CREATE TRIGGER due_dues_rule AFTER INSERT ON dues_rules
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('dues', NEW.member_id, NEW.member_id, '0001-01-01T00:00:00+00:00');
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'dues' AND subject = NEW.member_id;
END;

CREATE TRIGGER due_dues_reviewed AFTER UPDATE ON dues_rules
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'dues' AND subject = NEW.member_id;
END;

CREATE TRIGGER due_dues_paid AFTER INSERT ON dues_payments
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'dues' AND subject = NEW.member_id;
END;

CREATE TRIGGER due_dues_member AFTER UPDATE OF active, telegram_id, linked_at, unit_id, unreachable ON members
WHEN OLD.active IS NOT NEW.active OR OLD.telegram_id IS NOT NEW.telegram_id OR OLD.linked_at IS NOT NEW.linked_at
    OR OLD.unit_id IS NOT NEW.unit_id OR OLD.unreachable IS NOT NEW.unreachable
BEGIN
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', version = version + 1
    WHERE kind = 'dues' AND subject = NEW.id;
END;
