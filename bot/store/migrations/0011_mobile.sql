-- Mobile members by the rules (issue 12, items 5-7 and 9): two more states a member may report, voice thought
-- reports, and 已阅 marks on thought reports.

-- 随子女外住 (with_children) and 外出就医 (medical). SQLite cannot change a CHECK, so the table is copied into a
-- new one with the wider check (every row and id kept), and the old one dropped. Nothing refers to its rows.
CREATE TABLE status_reports_new (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    state      TEXT NOT NULL
               CHECK (state IN ('home', 'away_work', 'away_business', 'study', 'ill', 'hardship',
                                'with_children', 'medical')),
    location   TEXT,
    note       TEXT,
    at         TEXT NOT NULL
);
INSERT INTO status_reports_new (id, member_id, state, location, note, at)
    SELECT id, member_id, state, location, note, at FROM status_reports ORDER BY id;
DROP TABLE status_reports;
ALTER TABLE status_reports_new RENAME TO status_reports;
CREATE INDEX status_reports_member ON status_reports (member_id, at);

-- A thought report may be a voice message: Telegram's file id (the bot sends it again by that id) and its
-- length in seconds. `text` stays '' for a voice report.
ALTER TABLE thought_reports ADD COLUMN voice_file_id TEXT;
ALTER TABLE thought_reports ADD COLUMN voice_seconds INTEGER;

-- 已阅: a secretary over the member, or their liaison, read the report (with an optional comment, which was
-- sent to the member). A mark made before the report was replaced no longer counts (`at` < submitted_at).
CREATE TABLE report_reads (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES thought_reports(id) ON DELETE CASCADE,
    reader_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    comment    TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX report_reads_report ON report_reads (report_id, at);
