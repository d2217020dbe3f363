-- 思想汇报 of the people in the 发展党员 register (issue 24): an 入党积极分子, 发展对象 or one awaiting 上级党委审批
-- writes their quarterly report to the bot through /report, like a member. They are not in `members`, so their
-- reports are kept here, keyed by the register's record and the quarter (`2026-Q4`); the first one of a quarter is
-- also the quarter's 思想汇报 step of the record (`step_id`). 已阅 by the branch secretary or a 培养联系人 is kept in
-- `development_report_reads`, as `report_reads` keeps it for members. Two new tables: nothing is rewritten.
CREATE TABLE development_reports (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES development(id),
    period        TEXT NOT NULL,           -- 2026-Q4
    text          TEXT NOT NULL,           -- '' for a voice report
    voice_file_id TEXT,
    voice_seconds INTEGER,
    submitted_at  TEXT NOT NULL,
    replaced      INTEGER NOT NULL DEFAULT 0,
    step_id       INTEGER REFERENCES development_steps(id),
    UNIQUE (person_id, period)
);

CREATE TABLE development_report_reads (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES development_reports(id) ON DELETE CASCADE,
    reader_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    comment    TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX development_report_reads_report ON development_report_reads (report_id, at);

-- 公示 (the `publicity` step): the 公示期 runs from the step's day to `ends_on`, its last working day (five by
-- default: bot/domain/workdays.py). NULL for every other step and for everything recorded before.
ALTER TABLE development_steps ADD COLUMN ends_on TEXT;
