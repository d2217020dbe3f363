-- Units (community committee → branch → Party group), members, invites, processed updates.
CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES units(id),
    kind      TEXT NOT NULL CHECK (kind IN ('committee', 'branch', 'group')),
    name      TEXT NOT NULL,
    chat_id   INTEGER
);
CREATE UNIQUE INDEX units_name ON units (COALESCE(parent_id, 0), name);

CREATE TABLE members (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    unit_id             INTEGER NOT NULL REFERENCES units(id),   -- branch, or the committee
    group_id            INTEGER REFERENCES units(id),            -- Party group within the branch
    category            TEXT,
    liaison_id          INTEGER REFERENCES members(id) ON DELETE SET NULL,
    report_cadence      TEXT CHECK (report_cadence IN ('monthly', 'quarterly')),
    migrant_since       TEXT,
    mobile_recorded_at  TEXT,   -- first time the roster said the member is mobile
    phone               TEXT,
    building            TEXT,
    telegram_id         INTEGER UNIQUE,
    linked_at           TEXT,
    language            TEXT,
    unreachable         INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (unit_id, name)
);
CREATE INDEX members_liaison ON members (liaison_id);
CREATE INDEX members_group ON members (group_id);

CREATE TABLE member_roles (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('secretary', 'liaison', 'admin')),
    PRIMARY KEY (member_id, role)
);

CREATE TABLE member_posts (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    post      TEXT NOT NULL,
    PRIMARY KEY (member_id, post)
);
CREATE INDEX member_posts_post ON member_posts (post);

CREATE TABLE invites (
    code       TEXT PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    used_by    INTEGER
);
CREATE INDEX invites_member ON invites (member_id);

CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    at        TEXT NOT NULL
);
