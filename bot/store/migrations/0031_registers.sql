-- 发展党员 from the roster and from the minutes (issue 24): a person on the roster as 入党申请人, 积极分子 or 发展对象
-- is in the register, not in `members`; their Telegram id (`telegram_id`) lets them see their own record in a
-- private chat. A 支部党员大会 step (接收预备党员, 转正) may name the meeting and the resolution that took it
-- (`notice_id`, `resolution_seq`: minute_resolutions is keyed by the two), so its vote is the minutes' own.
-- NULL for everything recorded before this migration. Only columns and an index are added.
ALTER TABLE development ADD COLUMN telegram_id INTEGER;
CREATE INDEX development_telegram ON development (telegram_id) WHERE telegram_id IS NOT NULL;
ALTER TABLE development_steps ADD COLUMN notice_id INTEGER REFERENCES notices(id);
ALTER TABLE development_steps ADD COLUMN resolution_seq INTEGER;
