-- Committees as their own membership (issue 23 item 5): a unit's committee (党委委员, 支部委员) is the seats held in
-- it, with their office (书记 secretary, 副书记 deputy, 组织委员 organisation, 宣传委员 publicity, 纪检委员
-- discipline, 委员 member), and a seat may be held by a member of another unit (a village's secretary on the
-- community's 党委). Until now the committee was the members of the unit itself holding the role `secretary` or the
-- office `committee`: those become seats in their own unit, the office read from their 职务说明 (组织委员 …) when it
-- names one, else 委员 — so every committee and its quorum are what they were.
--
-- A unit's term of office (任期) starts on `units.term_start` (YYYY-MM-DD, set with /term); NULL until set.

CREATE TABLE committee_seats (
    unit_id   INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    office    TEXT NOT NULL
              CHECK (office IN ('secretary', 'deputy', 'organisation', 'publicity', 'discipline', 'member')),
    PRIMARY KEY (unit_id, member_id)
);
CREATE INDEX committee_seats_member ON committee_seats (member_id);

INSERT OR IGNORE INTO committee_seats (unit_id, member_id, office)
    SELECT m.unit_id, m.id, 'secretary' FROM members m
    WHERE EXISTS (SELECT 1 FROM member_roles r WHERE r.member_id = m.id AND r.role = 'secretary');

INSERT OR IGNORE INTO committee_seats (unit_id, member_id, office)
    SELECT m.unit_id, m.id,
           CASE WHEN m.duty LIKE '%副书记%' THEN 'deputy'
                WHEN m.duty LIKE '%组织委员%' THEN 'organisation'
                WHEN m.duty LIKE '%宣传委员%' THEN 'publicity'
                WHEN m.duty LIKE '%纪检委员%' OR m.duty LIKE '%纪律检查委员%' THEN 'discipline'
                ELSE 'member' END
    FROM members m
    WHERE EXISTS (SELECT 1 FROM member_offices o WHERE o.member_id = m.id AND o.office = 'committee');

ALTER TABLE units ADD COLUMN term_start TEXT;
