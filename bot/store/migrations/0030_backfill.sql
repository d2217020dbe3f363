-- Paper meetings entered honestly (issue 23 item 6, 补录): a meeting held before the bot was in use, or while it
-- was down, entered afterwards by a secretary with `/backfill` — its date, type, place, topic, who was there and its
-- minutes — is a notice like any other, marked with who entered it (`backfilled_by`), when (`backfilled_at`) and
-- why (`backfill_reason`). NULL for every notice sent through the bot (all of them before this migration).
ALTER TABLE notices ADD COLUMN backfilled_by INTEGER REFERENCES members(id) ON DELETE SET NULL;
ALTER TABLE notices ADD COLUMN backfilled_at TEXT;
ALTER TABLE notices ADD COLUMN backfill_reason TEXT;
