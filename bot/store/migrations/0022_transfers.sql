-- 组织关系转接 (issue 27): a member's organisational relation moving out of this community (转出) or into it
-- (转入), each with its 介绍信 (number, day, 有效期) and the steps recorded on it, kept forever. A 转出 closed by its
-- 回执 deactivates the member (bot/store/transfers.py); a 转入 writes or updates the member's row. Self-contained:
-- two new tables.

CREATE TABLE transfers (
    id           INTEGER PRIMARY KEY,
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),   -- the branch here it leaves or joins
    other_org    TEXT NOT NULL,   -- 转往 / 来自 党组织
    letter_no    TEXT NOT NULL,   -- 介绍信编号
    issued_on    TEXT NOT NULL,   -- YYYY-MM-DD 介绍信开具日期
    valid_until  TEXT NOT NULL,   -- YYYY-MM-DD 有效期至
    received_on  TEXT,            -- out: 对方已接收; in: 介绍信收到、本人报到
    receipt_on   TEXT,            -- out: 回执收回; in: 回执寄回
    placed_on    TEXT,            -- in: 编入党小组
    group_id     INTEGER REFERENCES units(id),
    state        TEXT NOT NULL CHECK (state IN ('open', 'closed', 'cancelled')),
    closed_on    TEXT,
    created_at   TEXT NOT NULL
);
-- The sweep and the 在途 list read only open transfers; a member has at most one open transfer.
CREATE INDEX transfers_state ON transfers (state);
CREATE INDEX transfers_member ON transfers (member_id, id);
CREATE UNIQUE INDEX transfers_one_open ON transfers (member_id) WHERE state = 'open';

CREATE TABLE transfer_steps (
    id           INTEGER PRIMARY KEY,
    transfer_id  INTEGER NOT NULL REFERENCES transfers(id),
    step         TEXT NOT NULL,   -- issue, received, receipt, place, cancel
    on_day       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX transfer_steps_transfer ON transfer_steps (transfer_id, id);
