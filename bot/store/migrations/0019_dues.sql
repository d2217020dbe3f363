-- Party dues (issue 25, 党费): each member's rule for a year (category, the base declared, the monthly amount),
-- and the payments recorded, each covering a run of months. Amounts are whole 分 (integers). A payment is never
-- edited: a correction is a new row that cancels an earlier one (`corrects`), with the opposite amount.
-- Self-contained: two new tables and their indexes; nothing existing is touched.

CREATE TABLE dues_rules (
    member_id   INTEGER NOT NULL REFERENCES members(id),
    year        INTEGER NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('employed', 'retired', 'farmer', 'student', 'hardship')),
    base        INTEGER,               -- 分: the monthly income declared (employed, retired), else NULL
    rate        INTEGER NOT NULL DEFAULT 0,  -- basis points (50 = 0.5%); 0 for a fixed amount
    amount      INTEGER NOT NULL CHECK (amount >= 0),  -- 分 a month
    more        INTEGER NOT NULL DEFAULT 0,  -- 1: more than the rule asks (自愿多交)
    set_by      INTEGER REFERENCES members(id) ON DELETE SET NULL,
    set_at      TEXT NOT NULL,
    reviews     INTEGER NOT NULL DEFAULT 0,  -- how many times it was set again within the year (核定, then 调整)
    PRIMARY KEY (member_id, year)
);

CREATE TABLE dues_payments (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    first_month  TEXT NOT NULL,        -- YYYY-MM, the first month covered
    last_month   TEXT NOT NULL,        -- YYYY-MM, the last (预交 reaches ahead, 补交 behind)
    amount       INTEGER NOT NULL,     -- 分; negative for a correction
    means        TEXT NOT NULL CHECK (means IN ('cash', 'transfer', 'proxy')),
    paid_on      TEXT NOT NULL,        -- YYYY-MM-DD, local: 交纳日期
    recorded_by  INTEGER REFERENCES members(id) ON DELETE SET NULL,  -- 经手人
    recorded_at  TEXT NOT NULL,
    corrects     INTEGER UNIQUE REFERENCES dues_payments(id)  -- the entry this one cancels (once)
);
CREATE INDEX dues_payments_member ON dues_payments (member_id, first_month);
CREATE INDEX dues_payments_month ON dues_payments (last_month, first_month);
