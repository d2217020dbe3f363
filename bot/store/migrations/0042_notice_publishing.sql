-- Publishing a notice in chunks (issue 31): a notice to 100 000 members held the write lock for the whole
-- publish (2.7–4.9 s), so a member's one-line write waited that long. The notice is now written first with
-- `publishing = 1`, its seats and copies a chunk a transaction after it, and the last chunk sets it to 0. A
-- notice left publishing (the process stopped between chunks) is published again from its first chunk at
-- start-up and by the sweep (seats are INSERT OR IGNORE, outbox keys unique). `to_group`: whether the bound
-- group gets its copy (the convener may skip it), which a resumed publish needs. Notices published before this
-- migration were published in one transaction: none is publishing, and whether their group got a copy is past.
ALTER TABLE notices ADD COLUMN publishing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN to_group INTEGER NOT NULL DEFAULT 1;
CREATE INDEX notices_publishing ON notices (id) WHERE publishing = 1;
