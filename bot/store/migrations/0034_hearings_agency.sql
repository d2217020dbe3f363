-- 民情恳谈, 为民服务代理 and 来信来访 (issue 28 items 2 and 3). Self-contained: columns added, two indexes made;
-- nothing existing is rebuilt, every request and notice keeps what it had.
--
-- A 民情恳谈会 (meeting type `hearing`) is a notice of kind 'other' with this mark, read as kind 'hearing':
-- `notices.kind` is checked against a list, and SQLite cannot change a CHECK without rebuilding the table.
ALTER TABLE notices ADD COLUMN hearing INTEGER NOT NULL DEFAULT 0 CHECK (hearing IN (0, 1));

-- A request's source (来源): visit 联户走访, hearing 恳谈会, letter 来信, walkin 来访, call 电话; NULL for the requests
-- logged before this migration (shown as not recorded). `notice_id`: the 恳谈会 whose record raised it.
ALTER TABLE requests ADD COLUMN source TEXT
    CHECK (source IS NULL OR source IN ('visit', 'hearing', 'letter', 'walkin', 'call'));
ALTER TABLE requests ADD COLUMN notice_id INTEGER REFERENCES notices(id) ON DELETE SET NULL;
-- A 代办 (kind 'agency'): a member, its handler (代办员), does paperwork for the household by `deadline`
-- (YYYY-MM-DD, local); its progress notes are steps ('note'), its 回访 the resident's satisfaction.
ALTER TABLE requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'request' CHECK (kind IN ('request', 'agency'));
ALTER TABLE requests ADD COLUMN deadline TEXT;
CREATE INDEX requests_notice ON requests (notice_id);
CREATE INDEX requests_agency ON requests (deadline) WHERE kind = 'agency' AND state != 'resolved';
