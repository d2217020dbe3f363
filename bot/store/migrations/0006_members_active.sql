-- Members who left the roster (moved away, passed away…): a roster import with --deactivate-missing
-- deactivates them instead of deleting, so their reports, duty logs and attendance stay in the records.
-- An inactive member has no rights, gets nothing from the bot and is not expected at meetings; the next
-- import that lists them again makes them active again.
ALTER TABLE members ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE members ADD COLUMN deactivated_at TEXT;
CREATE INDEX members_active_unit ON members (active, unit_id);
