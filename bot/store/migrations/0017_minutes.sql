-- Minutes from the record (issue 13 item 6): a meeting's minutes as fields — 主持人 (host), 记录人 (recorder),
-- 会议内容 (content), who saved them and when — and its resolutions (决议) with their votes 赞成 / 反对 / 弃权.
-- The attendance figures are not copied here: they are the record's (check-ins, leaves), read when shown.
--
-- Earlier minutes were one free text on the notice (`notices.minutes`): it becomes the content of the new
-- minutes, saved when it was kept (`minutes_at`), by whom unknown. `notices.minutes` stays and keeps the
-- content too (written in the same transaction), so the /attendance ledger and older readers still see it.

CREATE TABLE minutes (
    notice_id INTEGER PRIMARY KEY REFERENCES notices(id) ON DELETE CASCADE,
    host      TEXT,                       -- 主持人
    recorder  TEXT,                       -- 记录人
    content   TEXT NOT NULL DEFAULT '',   -- 会议内容
    saved_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    saved_at  TEXT NOT NULL               -- UTC ISO 8601
);

CREATE TABLE minute_resolutions (
    notice_id INTEGER NOT NULL REFERENCES minutes(notice_id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,           -- 1, 2, … in the order recorded
    text      TEXT NOT NULL,
    yes       INTEGER NOT NULL CHECK (yes >= 0),      -- 赞成
    no        INTEGER NOT NULL CHECK (no >= 0),       -- 反对
    abstain   INTEGER NOT NULL CHECK (abstain >= 0),  -- 弃权
    PRIMARY KEY (notice_id, seq)
);

INSERT INTO minutes (notice_id, content, saved_at)
    SELECT id, minutes, COALESCE(minutes_at, created_at) FROM notices WHERE minutes IS NOT NULL AND minutes != '';
