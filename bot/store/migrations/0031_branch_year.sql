-- The branch's year, what was left of issue 26: a talk's form; 对照检查材料 and 自评 handed in as a voice message
-- or a file (kept by Telegram file id); 批评和自我批评 per member and the 民主评议 of a 组织生活会 in its minutes.
-- Only columns and new tables: every row kept before keeps its values (a talk logged before is 面谈).

-- 谈话形式: 面谈, 电话, 上门, 视频.
ALTER TABLE talks ADD COLUMN form TEXT NOT NULL DEFAULT 'face' CHECK (form IN ('face', 'phone', 'visit', 'video'));

-- A material or a 自评 as a voice message or a document: its file id and kind; its `text` is then ''.
ALTER TABLE rectify_materials ADD COLUMN file_id TEXT;
ALTER TABLE rectify_materials ADD COLUMN file_kind TEXT CHECK (file_kind IN ('voice', 'document'));
ALTER TABLE appraisal_selfs ADD COLUMN file_id TEXT;
ALTER TABLE appraisal_selfs ADD COLUMN file_kind TEXT CHECK (file_kind IN ('voice', 'document'));

-- 批评和自我批评 at a 组织生活会: one row per member who spoke — the self-criticism they gave, the criticism they
-- received (empty when none was recorded).
CREATE TABLE minute_criticism (
    notice_id  INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    self_text  TEXT NOT NULL,
    received   TEXT NOT NULL DEFAULT '',
    by         INTEGER REFERENCES members(id) ON DELETE SET NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (notice_id, member_id)
);

-- 民主评议 at a 组织生活会: held with it, or not and why (held elsewhere, postponed …). A 组织生活会 counts as held
-- in the ledger only once its minutes say one or the other.
CREATE TABLE minute_appraisal (
    notice_id  INTEGER PRIMARY KEY REFERENCES notices(id) ON DELETE CASCADE,
    held       INTEGER NOT NULL CHECK (held IN (0, 1)),
    reason     TEXT NOT NULL DEFAULT '',
    by         INTEGER REFERENCES members(id) ON DELETE SET NULL,
    at         TEXT NOT NULL,
    CHECK (held = 1 OR length(trim(reason)) > 0)
);

-- 组织生活会 whose minutes were saved before this version: they keep counting as held without a 民主评议 line
-- (the rule is new, their record is not rewritten).
CREATE TABLE minute_appraisal_exempt (
    notice_id  INTEGER PRIMARY KEY REFERENCES notices(id) ON DELETE CASCADE
);
INSERT INTO minute_appraisal_exempt (notice_id)
    SELECT n.id FROM notices n JOIN minutes m ON m.notice_id = n.id WHERE n.kind = 'life';

-- 征求意见 before a 组织生活会: each opinion gathered (from members or residents), as the secretary writes it down.
CREATE TABLE rectify_opinions (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    year       INTEGER NOT NULL,
    text       TEXT NOT NULL,
    by         INTEGER REFERENCES members(id) ON DELETE SET NULL,
    at         TEXT NOT NULL
);
CREATE INDEX rectify_opinions_unit ON rectify_opinions (unit_id, year);
