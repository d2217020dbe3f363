-- Every hot query on an index (issue 31): look-ups that read every member, status report, visit or request at
-- 100 000 members. A member by name (`/status` of someone else, care by name); a unit's members without the
-- `active` column in front (a roster import, lists that include those who left); a member's visits and a
-- household's requests (the foreign keys' cascades, a member's history); a member's care cases, open or closed.
CREATE INDEX members_name ON members (name);
CREATE INDEX members_unit ON members (unit_id);
CREATE INDEX visits_member ON visits (member_id);
CREATE INDEX requests_household ON requests (household_id);
CREATE INDEX care_cases_member ON care_cases (member_id);
