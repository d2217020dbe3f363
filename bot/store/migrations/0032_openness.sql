-- 党务公开 (issue 28 item 1): one kind of record for everything the branch makes public. A secretary's preview
-- is kept as a draft (posted_at NULL) with the exact text and its 公示期 (starts_on..ends_on, counted in working
-- days); posting it to the unit's bound group fills posted_*. An objection (异议) is raised privately and kept
-- with whoever raised it (a member, or a resident by their Telegram id and name) and the secretary's answer;
-- nothing of it goes to a group. publicity_pending holds whom the bot is waiting on for an objection's text.
CREATE TABLE publicity_items (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    days INTEGER NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    posted_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    posted_at TEXT,
    chat_id INTEGER
);
CREATE INDEX publicity_items_open ON publicity_items (ends_on) WHERE posted_at IS NOT NULL;
CREATE INDEX publicity_items_unit ON publicity_items (unit_id, posted_at);

CREATE TABLE publicity_objections (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES publicity_items(id) ON DELETE CASCADE,
    telegram_id INTEGER NOT NULL,
    member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    answer TEXT,
    answered_by INTEGER REFERENCES members(id) ON DELETE SET NULL,
    answered_at TEXT
);
CREATE INDEX publicity_objections_item ON publicity_objections (item_id);

CREATE TABLE publicity_pending (
    telegram_id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES publicity_items(id) ON DELETE CASCADE,
    since TEXT NOT NULL
);
