-- The branch's year (issue 26): 谈心谈话, 民主评议党员, 组织生活会 整改清单 and 对照检查材料, 党员承诺.
-- Self-contained: new tables and their indexes; nothing existing is touched.

-- 谈心谈话: one row per talk; a_id < b_id, so a pair is one key whoever logged it.
CREATE TABLE talks (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    a_id       INTEGER NOT NULL REFERENCES members(id),
    b_id       INTEGER NOT NULL REFERENCES members(id),
    held_on    TEXT NOT NULL,                 -- YYYY-MM-DD, local
    topic      TEXT NOT NULL,                 -- 谈话内容
    note       TEXT NOT NULL DEFAULT '',      -- 私密备注: the secretary and the two people only, never a sheet
    logged_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    logged_at  TEXT NOT NULL,
    CHECK (a_id < b_id)
);
CREATE INDEX talks_unit_day ON talks (unit_id, held_on);

-- 民主评议党员: one per branch and year, opened by the secretary with its dates.
CREATE TABLE appraisals (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    year       INTEGER NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    opened_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,
    opened_at  TEXT NOT NULL,
    UNIQUE (unit_id, year)
);

-- 个人自评.
CREATE TABLE appraisal_selfs (
    appraisal_id INTEGER NOT NULL REFERENCES appraisals(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    text         TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (appraisal_id, member_id)
);

-- 民主测评, secret: who has voted on whom (no grade, no time, no order of insertion: WITHOUT ROWID keeps
-- rows in key order) and, apart, the counts per grade (no voter). Nothing joins a voter to a grade.
CREATE TABLE appraisal_voted (
    appraisal_id INTEGER NOT NULL REFERENCES appraisals(id),
    subject_id   INTEGER NOT NULL REFERENCES members(id),
    voter_id     INTEGER NOT NULL REFERENCES members(id),
    PRIMARY KEY (appraisal_id, subject_id, voter_id)
) WITHOUT ROWID;
CREATE TABLE appraisal_tally (
    appraisal_id INTEGER NOT NULL REFERENCES appraisals(id),
    subject_id   INTEGER NOT NULL REFERENCES members(id),
    grade        TEXT NOT NULL CHECK (grade IN ('excellent', 'qualified', 'basic', 'unqualified')),
    votes        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (appraisal_id, subject_id, grade)
) WITHOUT ROWID;

-- 组织评定 by the 支委会; 基本合格 / 不合格 carry a 限期改正 date.
CREATE TABLE appraisal_ratings (
    appraisal_id INTEGER NOT NULL REFERENCES appraisals(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    grade        TEXT NOT NULL CHECK (grade IN ('excellent', 'qualified', 'basic', 'unqualified')),
    correct_by   TEXT,                        -- 限期改正 until (YYYY-MM-DD)
    rated_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    rated_at     TEXT NOT NULL,
    PRIMARY KEY (appraisal_id, member_id)
);
CREATE INDEX appraisal_ratings_correct ON appraisal_ratings (correct_by) WHERE correct_by IS NOT NULL;

-- 组织生活会 整改清单: reminded until closed with a note.
CREATE TABLE rectify_items (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    item           TEXT NOT NULL,             -- 问题
    measure        TEXT NOT NULL,             -- 整改措施
    responsible_id INTEGER NOT NULL REFERENCES members(id),
    deadline       TEXT NOT NULL,             -- YYYY-MM-DD
    created_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    closed_at      TEXT,
    closed_by      INTEGER REFERENCES members(id) ON DELETE SET NULL,
    close_note     TEXT
);
CREATE INDEX rectify_items_open ON rectify_items (deadline) WHERE closed_at IS NULL;
CREATE INDEX rectify_items_unit ON rectify_items (unit_id, created_at);

-- 对照检查材料: the branch's deadline for the year, and each member's material.
CREATE TABLE rectify_rounds (
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    year       INTEGER NOT NULL,
    deadline   TEXT NOT NULL,
    set_by     INTEGER REFERENCES members(id) ON DELETE SET NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);
CREATE INDEX rectify_rounds_deadline ON rectify_rounds (deadline);
CREATE TABLE rectify_materials (
    unit_id    INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    text       TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (unit_id, year, member_id),
    FOREIGN KEY (unit_id, year) REFERENCES rectify_rounds (unit_id, year)
);

-- 党员承诺: a pledge a year, its 践诺 reports, the 评诺.
CREATE TABLE pledges (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    year        INTEGER NOT NULL,
    text        TEXT NOT NULL,
    made_at     TEXT NOT NULL,
    grade       TEXT CHECK (grade IN ('good', 'fair', 'average', 'poor')),   -- 评诺
    review_note TEXT,
    reviewed_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    reviewed_at TEXT,
    UNIQUE (member_id, year)
);
CREATE TABLE pledge_progress (
    id         INTEGER PRIMARY KEY,
    pledge_id  INTEGER NOT NULL REFERENCES pledges(id),
    text       TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX pledge_progress_pledge ON pledge_progress (pledge_id, at);
