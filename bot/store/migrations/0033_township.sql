-- The township above the community (issue 28 item 4): one deployment serves a township (乡镇党委) of several
-- communities, and a reader from above (上级党委, read-only) oversees a unit. Self-contained: a column added and one
-- table made; nothing existing is rebuilt, every row keeps what it had.
--
-- The township is a unit above the community committees. `units.kind` is checked against the kinds of the first
-- version, so, like an activity group (0007), it is stored as kind 'committee' with a mark and read as 'township'.
ALTER TABLE units ADD COLUMN township INTEGER NOT NULL DEFAULT 0 CHECK (township IN (0, 1));

-- 上级党委 (read-only): the unit a member with the role `inspector` oversees (a branch, a community or the
-- township). `member_roles.role` is checked against the roles of the first version: the role is this row.
CREATE TABLE inspectors (
    member_id INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units(id)
);
