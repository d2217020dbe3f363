-- The organisation as it really is (issue 12): probationary members, dates of joining and of becoming a
-- full member, members whose organisational relation is elsewhere (外来), committee members, Party-group
-- leaders and community-wide activity groups. Self-contained: columns added, one table and indexes made;
-- nothing existing is rebuilt, every member keeps what they had (full, relation here, no offices).

-- 党员类别: full (正式党员) or probationary (预备党员, no vote).
ALTER TABLE members ADD COLUMN membership TEXT NOT NULL DEFAULT 'full'
    CHECK (membership IN ('full', 'probationary'));
ALTER TABLE members ADD COLUMN joined TEXT;      -- 入党时间, YYYY-MM-DD
ALTER TABLE members ADD COLUMN confirmed TEXT;   -- 转正时间, YYYY-MM-DD (党龄 counts from it)
-- 组织关系: here, or elsewhere for 外来 members (they take part, they vote in their home organisation).
ALTER TABLE members ADD COLUMN relation TEXT NOT NULL DEFAULT 'here'
    CHECK (relation IN ('here', 'elsewhere'));
ALTER TABLE members ADD COLUMN note TEXT;        -- 备注, e.g. the home organisation of a relation elsewhere
ALTER TABLE members ADD COLUMN duty TEXT;        -- 职务说明, e.g. 组织委员
-- 活动小组: a community-wide group by building or trade; daily activities there, votes in the branch.
ALTER TABLE members ADD COLUMN activity_group_id INTEGER REFERENCES units(id);
CREATE INDEX members_activity_group ON members (activity_group_id);

-- An activity group is a unit under the community committee. `units.kind` is checked against the three
-- kinds of the first version, so it is stored as kind 'group' with this mark (the model reads it as
-- kind 'activity_group').
ALTER TABLE units ADD COLUMN activity INTEGER NOT NULL DEFAULT 0 CHECK (activity IN (0, 1));

-- Offices held in the organisation, beside the bot roles in member_roles (whose check allows only
-- secretary, liaison and admin): 支委 (committee; the secretary counts as one without a row here),
-- 党小组长 (group_leader, of their branch's Party group) and 活动小组长 (activity_leader, of their activity
-- group).
CREATE TABLE member_offices (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    office    TEXT NOT NULL CHECK (office IN ('committee', 'group_leader', 'activity_leader')),
    PRIMARY KEY (member_id, office)
);
CREATE INDEX member_offices_office ON member_offices (office);
