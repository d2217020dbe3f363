-- 党费收缴人 (issue 25): a member a secretary named to record the dues paid by members of one branch — the
-- member's own branch when named. The role holds only while they stay in that branch (a transfer ends it: the
-- members query compares `unit_id` with the member's). Taking it back deletes the row; payments keep who
-- recorded them (`dues_payments.recorded_by`).
CREATE TABLE dues_collectors (
    member_id  INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    named_by   INTEGER REFERENCES members(id) ON DELETE SET NULL,  -- NULL: an administrator outside the roster
    named_at   TEXT NOT NULL
);
CREATE INDEX dues_collectors_unit ON dues_collectors (unit_id);
