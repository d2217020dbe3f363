-- Meeting notices (三会一课): the notice, who was expected, replies (attend / leave with a reason),
-- check-ins and the minutes. Deliveries are outbox rows with ref 'notice:<id>'.
CREATE TABLE notices (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL
                  CHECK (kind IN ('general', 'committee', 'group', 'lecture', 'partyday', 'other')),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    starts_at     TEXT NOT NULL,            -- UTC ISO 8601
    place         TEXT NOT NULL,
    topic         TEXT NOT NULL,
    created_by    INTEGER REFERENCES members(id) ON DELETE SET NULL,
    creator_chat  INTEGER NOT NULL,         -- the secretary's private chat: the summary goes there
    creator_lang  TEXT NOT NULL,
    created_at    TEXT NOT NULL,            -- when Send was pressed (stages before it are skipped)
    cancelled_at  TEXT,
    minutes       TEXT,                     -- 会议记录
    minutes_at    TEXT
);
CREATE INDEX notices_unit ON notices (unit_id, id);
CREATE INDEX notices_start ON notices (starts_at);

-- Who was expected, as the roster stood when the notice went out (linked = a delivery was queued).
CREATE TABLE notice_members (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    linked    INTEGER NOT NULL,
    PRIMARY KEY (notice_id, member_id)
);
CREATE INDEX notice_members_member ON notice_members (member_id);

CREATE TABLE rsvps (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    answer    TEXT NOT NULL CHECK (answer IN ('attend', 'leave')),
    reason    TEXT,
    at        TEXT NOT NULL,
    PRIMARY KEY (notice_id, member_id)
);

CREATE TABLE checkins (
    notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    how       TEXT NOT NULL CHECK (how IN ('self', 'proxy', 'late')),   -- 本人签到, 代签, 补签
    by_member INTEGER REFERENCES members(id) ON DELETE SET NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (notice_id, member_id)
);

-- The sender asks after every delivery whether the notice's broadcast is over: count its pending rows
-- without reading all of them.
CREATE INDEX outbox_ref_status ON outbox (ref, status);
