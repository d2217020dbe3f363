-- 设岗定责 as data (issue 17): a catalogue of posts, members' claims of a post, reviewed entries, reviewers a
-- secretary names, quarterly accounts (述职) with the panel's rating, and the 公示 posted to a group.

-- The catalogue. `key` is what `member_posts.post` holds: 'patrol' and 'mediation' for the two posts with
-- their own forms, the post's name for every other post (so a roster's 岗位 column names it directly).
-- Points of a generic entry: per_entry + one per full `per_minutes` minutes (none when NULL). A patrol
-- scores per_entry, one more from `per_minutes` minutes (today's rule: 1, 2 from 60 minutes); a mediation
-- scores by its outcome. `minimum`: approved entries a month (0: none).
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    form        TEXT NOT NULL CHECK (form IN ('patrol', 'mediation', 'generic')),
    per_entry   INTEGER NOT NULL DEFAULT 1 CHECK (per_entry BETWEEN 0 AND 100),
    per_minutes INTEGER CHECK (per_minutes IS NULL OR per_minutes BETWEEN 1 AND 720),
    minimum     INTEGER NOT NULL DEFAULT 0 CHECK (minimum BETWEEN 0 AND 100),
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
INSERT INTO posts (key, name, form, per_entry, per_minutes, minimum, created_at) VALUES
    ('patrol', '治安巡逻岗', 'patrol', 1, 60, 4, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('mediation', '矛盾调解岗', 'mediation', 0, NULL, 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('环境卫生岗', '环境卫生岗', 'generic', 1, 60, 2, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('政策宣传岗', '政策宣传岗', 'generic', 1, 60, 2, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('文明劝导岗', '文明劝导岗', 'generic', 1, 60, 2, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('关爱帮扶岗', '关爱帮扶岗', 'generic', 1, 60, 2, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
-- Posts a roster already gave members under another name join the catalogue as generic posts (1 point an
-- entry, no minimum) so nobody's post is lost; the secretary adjusts them with /posts 修改.
INSERT OR IGNORE INTO posts (key, name, form, per_entry, per_minutes, minimum, created_at)
    SELECT DISTINCT post, post, 'generic', 1, NULL, 0, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM member_posts WHERE post NOT IN ('patrol', 'mediation');

-- duty_logs is rebuilt: any post (not only patrol/mediation), the generic entry's people served, all the
-- dispute kinds the rules know, and the review. Entries logged before this migration count as approved
-- (they were final when logged); new ones start pending. The follow-up history is kept row for row.
CREATE TEMP TABLE keep_logs AS SELECT * FROM duty_logs;
CREATE TEMP TABLE keep_followups AS SELECT * FROM duty_followups;
DROP TABLE duty_followups;
DROP TABLE duty_logs;
CREATE TABLE duty_logs (
    id                 INTEGER PRIMARY KEY,
    member_id          INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    post               TEXT NOT NULL,  -- posts.key
    at                 TEXT NOT NULL,
    local_date         TEXT NOT NULL,
    area               TEXT,      -- patrol: where
    minutes            INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 720),
    findings           TEXT,      -- patrol: what was found
    parties            TEXT,      -- mediation: who
    kind               TEXT CHECK (kind IS NULL OR kind IN ('neighbour', 'family', 'support', 'relocation',
                                                           'land', 'property', 'other')),
    outcome            TEXT CHECK (outcome IS NULL OR outcome IN ('resolved', 'ongoing', 'referred')),
    followup_on        TEXT,      -- YYYY-MM-DD, while the outcome is ongoing
    summary            TEXT,      -- mediation: what was done; generic: what was done
    photo_file_id      TEXT,      -- Telegram file id of the evidence photo (largest size)
    outcome_changed_at TEXT,      -- last time a follow-up changed the outcome
    served             INTEGER CHECK (served IS NULL OR served BETWEEN 0 AND 10000),  -- generic: people served
    review             TEXT NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'approved', 'rejected')),
    reviewed_by        INTEGER,   -- members.id of the reviewer (NULL: an administrator outside the roster)
    reviewed_at        TEXT,
    review_reason      TEXT       -- why it was rejected
);
INSERT INTO duty_logs (id, member_id, post, at, local_date, area, minutes, findings, parties, kind, outcome,
                       followup_on, summary, photo_file_id, outcome_changed_at, review)
    SELECT id, member_id, post, at, local_date, area, minutes, findings, parties, kind, outcome,
           followup_on, summary, photo_file_id, outcome_changed_at, 'approved' FROM keep_logs;
CREATE INDEX duty_logs_member_at ON duty_logs (member_id, at);
CREATE INDEX duty_logs_at ON duty_logs (at);
CREATE INDEX duty_logs_followup ON duty_logs (outcome, followup_on);
CREATE INDEX duty_logs_review ON duty_logs (review, at);

CREATE TABLE duty_followups (
    id           INTEGER PRIMARY KEY,
    log_id       INTEGER NOT NULL REFERENCES duty_logs(id) ON DELETE CASCADE,
    due_on       TEXT,
    from_outcome TEXT NOT NULL,
    to_outcome   TEXT NOT NULL CHECK (to_outcome IN ('resolved', 'ongoing', 'referred')),
    next_on      TEXT,
    at           TEXT NOT NULL
);
INSERT INTO duty_followups SELECT * FROM keep_followups;
CREATE INDEX duty_followups_log ON duty_followups (log_id);
DROP TABLE keep_logs;
DROP TABLE keep_followups;

-- The due chains of mediations (as in the due migration; dropping the table dropped its triggers).
CREATE TRIGGER due_mediation_logged AFTER INSERT ON duty_logs
WHEN NEW.post = 'mediation' AND NEW.outcome = 'ongoing' AND NEW.followup_on IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        VALUES ('mediation', NEW.id, NEW.member_id, '0001-01-01T00:00:00+00:00');
END;

CREATE TRIGGER due_mediation_followed AFTER UPDATE OF outcome, followup_on, member_id ON duty_logs
WHEN NEW.post = 'mediation'
BEGIN
    INSERT OR IGNORE INTO due (kind, subject, member_id, due_at)
        SELECT 'mediation', NEW.id, NEW.member_id, '0001-01-01T00:00:00+00:00'
        WHERE NEW.outcome = 'ongoing' AND NEW.followup_on IS NOT NULL;
    UPDATE due SET due_at = '0001-01-01T00:00:00+00:00', member_id = NEW.member_id, version = version + 1
    WHERE kind = 'mediation' AND subject = NEW.id;
END;

-- 认领岗位: a member asks for a post; a secretary over their unit decides (准 / 不准).
CREATE TABLE post_claims (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    asked_at   TEXT NOT NULL,
    decision   TEXT CHECK (decision IS NULL OR decision IN ('approved', 'refused')),
    decided_by INTEGER,
    decided_at TEXT
);
CREATE UNIQUE INDEX post_claims_open ON post_claims (member_id, post_id) WHERE decision IS NULL;

-- Committee members a secretary named to review entries (of the units under the reviewer's own unit).
CREATE TABLE post_reviewers (
    member_id INTEGER PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
    named_by  INTEGER,
    at        TEXT NOT NULL
);

-- 述职: a post-holder's account of a quarter (`2026Q1`), text or voice, and the panel's rating.
CREATE TABLE post_accounts (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    quarter       TEXT NOT NULL,
    text          TEXT,
    voice_file_id TEXT,
    at            TEXT,
    rating        TEXT CHECK (rating IS NULL OR rating IN ('excellent', 'competent', 'basic', 'incompetent')),
    rated_by      INTEGER,
    rated_at      TEXT,
    UNIQUE (member_id, quarter)
);

-- 公示: the text previewed for a unit's quarter, and when it was posted to the bound group.
CREATE TABLE post_publicity (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    quarter    TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    chat_id    INTEGER,
    posted_at  TEXT
);
