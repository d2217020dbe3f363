-- Presence proven where the meeting is (issue 23 item 2).
--
-- A notice is held `onsite` 现场 (the default, as every notice before this migration was) or `online` 线上. Its
-- `checkin_key` is the secret its check-in codes are derived from (a new six-digit code every minute), made when
-- the convener first asks for the code; NULL until then.
ALTER TABLE notices ADD COLUMN mode TEXT NOT NULL DEFAULT 'onsite' CHECK (mode IN ('onsite', 'online'));
ALTER TABLE notices ADD COLUMN checkin_key TEXT;

-- How a check-in was proven: `code` (the venue's code or its QR link), `location` (a location shared within the
-- radius of the venue), `button` (the plain button: an online meeting, or a community that asks no proof); NULL
-- for check-ins made before this migration (the button, without proof). A 书记登记 (`how` = 'proxy') keeps its
-- reason from the short list (`no_phone` 无智能手机, `unlinked` 未绑定, `frail` 年老体弱, `other` 其他), the
-- secretary's words (`note`: what 其他 means, or the confirmation), and the member's status when it was
-- registered if it said they were away or ill (`status_then`): such a registration needs the confirmation.
ALTER TABLE checkins ADD COLUMN proof TEXT CHECK (proof IN ('code', 'location', 'button'));
ALTER TABLE checkins ADD COLUMN reason TEXT CHECK (reason IN ('no_phone', 'unlinked', 'frail', 'other'));
ALTER TABLE checkins ADD COLUMN note TEXT;
ALTER TABLE checkins ADD COLUMN status_then TEXT;

-- The point of a venue (会场), set once per place with `/venue 地点名称` and a shared location; a notice whose place
-- is that name takes its check-ins by location there. `name` is the place as typed, without spaces.
CREATE TABLE venues (
    name      TEXT PRIMARY KEY,
    latitude  REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    set_by    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    set_at    TEXT NOT NULL
);
