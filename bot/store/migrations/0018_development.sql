-- 发展党员 (issue 24): the register of people on their way into the Party, from 入党申请 to 转正, and every step
-- recorded on them, kept forever. A person here is not a member (no member rights) until 上级党委审批 makes them a
-- 预备党员: then their row in `members` is written (bot/store/development.py). Self-contained: two new tables.

CREATE TABLE development (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),  -- the branch they applied to
    name         TEXT NOT NULL,
    birth        TEXT,            -- YYYY-MM-DD: 年满十八岁 is checked on the application's day
    stage        TEXT NOT NULL,   -- the stage the steps make (bot/services/development/rules.py), for the list
    stage_on     TEXT NOT NULL,   -- YYYY-MM-DD its start
    created_at   TEXT NOT NULL,
    UNIQUE (unit_id, name)
);
-- The sweep reads only records whose timers still run.
CREATE INDEX development_stage ON development (stage);

CREATE TABLE development_steps (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES development(id),
    step         TEXT NOT NULL,   -- apply, talk, activist, review, candidate, vetting, training, admit, approve,
                                  -- oath, extend, confirm, cancel
    on_day       TEXT NOT NULL,   -- YYYY-MM-DD, as recorded
    months       INTEGER NOT NULL DEFAULT 0,   -- 延长预备期: its months
    people       TEXT NOT NULL DEFAULT '',     -- 培养联系人 / 入党介绍人, names separated by 、
    note         TEXT NOT NULL DEFAULT '',     -- 说明; a 政审 conclusion is shown only in the one-record view
    recorded_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX development_steps_person ON development_steps (person_id, id);
