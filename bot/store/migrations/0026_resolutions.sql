-- Resolutions decided by the record (issue 23 item 1): each resolution (决议) keeps its kind — 一般事项 `ordinary`,
-- 接收预备党员 `admit`, 预备党员转正 `confirm`, 选举 `election`, 处分 `discipline` —, the written opinions (书面意见)
-- counted with the votes where the rule counts them (admit, confirm), and its outcome computed when it was saved:
-- `passed` (1 通过, 0 未通过), measured by `rule` (expected_voters 应到会有表决权的党员, expected_committee 应到会委员,
-- present_voters 实到会有选举权的党员, present_all 到会的人) against `base` people, `needed` 赞成 at least.
--
-- Resolutions saved before this migration were recorded without a kind: they become `ordinary` and are judged
-- now by the record as it stands (the members expected with a vote or on the committee, or those checked in),
-- so a 7-of-24 vote saved as a 决议 reads 未通过. Nothing is dropped: text and votes stay as they were.

ALTER TABLE minute_resolutions ADD COLUMN kind TEXT NOT NULL DEFAULT 'ordinary'
    CHECK (kind IN ('ordinary', 'admit', 'confirm', 'election', 'discipline'));
ALTER TABLE minute_resolutions ADD COLUMN written_yes INTEGER NOT NULL DEFAULT 0 CHECK (written_yes >= 0);
ALTER TABLE minute_resolutions ADD COLUMN written_no INTEGER NOT NULL DEFAULT 0 CHECK (written_no >= 0);
ALTER TABLE minute_resolutions ADD COLUMN written_abstain INTEGER NOT NULL DEFAULT 0 CHECK (written_abstain >= 0);
ALTER TABLE minute_resolutions ADD COLUMN passed INTEGER CHECK (passed IN (0, 1));
ALTER TABLE minute_resolutions ADD COLUMN rule TEXT
    CHECK (rule IN ('expected_voters', 'expected_committee', 'present_voters', 'present_all'));
ALTER TABLE minute_resolutions ADD COLUMN base INTEGER CHECK (base >= 0);
ALTER TABLE minute_resolutions ADD COLUMN needed INTEGER CHECK (needed >= 0);

UPDATE minute_resolutions SET rule = (
    SELECT CASE n.kind WHEN 'general' THEN 'expected_voters'
                       WHEN 'committee' THEN 'expected_committee'
                       WHEN 'party_committee' THEN 'expected_committee'
                       ELSE 'present_all' END
    FROM notices n WHERE n.id = minute_resolutions.notice_id);

UPDATE minute_resolutions SET base = CASE rule
    WHEN 'expected_voters' THEN
        (SELECT count(*) FROM notice_members e WHERE e.notice_id = minute_resolutions.notice_id AND e.votes)
    WHEN 'expected_committee' THEN
        (SELECT count(*) FROM notice_members e WHERE e.notice_id = minute_resolutions.notice_id AND e.committee)
    ELSE (SELECT count(*) FROM checkins c WHERE c.notice_id = minute_resolutions.notice_id) END;

UPDATE minute_resolutions SET needed = base / 2 + 1;
UPDATE minute_resolutions SET passed = (yes >= needed);
