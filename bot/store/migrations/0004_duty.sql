-- Duty posts (设岗定责): patrol (治安巡逻) and mediation (矛盾调解) logs, and follow-ups of ongoing
-- mediations. Times are UTC ISO; `local_date` is the date in TIMEZONE when the duty was logged.
CREATE TABLE duty_logs (
    id                 INTEGER PRIMARY KEY,
    member_id          INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    post               TEXT NOT NULL CHECK (post IN ('patrol', 'mediation')),
    at                 TEXT NOT NULL,
    local_date         TEXT NOT NULL,
    area               TEXT,      -- patrol: where
    minutes            INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 720),
    findings           TEXT,      -- patrol: what was found
    parties            TEXT,      -- mediation: who
    kind               TEXT CHECK (kind IS NULL OR kind IN ('neighbour', 'family', 'land', 'property', 'other')),
    outcome            TEXT CHECK (outcome IS NULL OR outcome IN ('resolved', 'ongoing', 'referred')),
    followup_on        TEXT,      -- YYYY-MM-DD, while the outcome is ongoing
    summary            TEXT,      -- mediation: what was done
    photo_file_id      TEXT,      -- Telegram file id of the evidence photo (largest size)
    outcome_changed_at TEXT       -- last time a follow-up changed the outcome
);
CREATE INDEX duty_logs_member_at ON duty_logs (member_id, at);
CREATE INDEX duty_logs_at ON duty_logs (at);
CREATE INDEX duty_logs_followup ON duty_logs (outcome, followup_on);

-- The history of follow-ups: one row each time the post-holder records a mediation's new outcome.
CREATE TABLE duty_followups (
    id           INTEGER PRIMARY KEY,
    log_id       INTEGER NOT NULL REFERENCES duty_logs(id) ON DELETE CASCADE,
    due_on       TEXT,            -- the follow-up date that was due
    from_outcome TEXT NOT NULL,
    to_outcome   TEXT NOT NULL CHECK (to_outcome IN ('resolved', 'ongoing', 'referred')),
    next_on      TEXT,            -- the new follow-up date when still ongoing
    at           TEXT NOT NULL
);
CREATE INDEX duty_followups_log ON duty_followups (log_id);
