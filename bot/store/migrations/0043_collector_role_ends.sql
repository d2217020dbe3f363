-- 党费收缴人 (issue 25): the role ends for good when the member leaves the branch it was named for or the active
-- roster — a roster import, a transfer, a deactivation — so that moving back does not bring it back (0040 only
-- hid it while the branch differed). Rows already left behind go now; a trigger ends the role on every later
-- change of `unit_id` or `active`, whichever path writes it.
DELETE FROM dues_collectors WHERE NOT EXISTS (
    SELECT 1 FROM members m WHERE m.id = dues_collectors.member_id AND m.unit_id = dues_collectors.unit_id AND m.active
);

CREATE TRIGGER dues_collector_leaves AFTER UPDATE OF unit_id, active ON members
WHEN OLD.unit_id IS NOT NEW.unit_id OR NOT NEW.active
BEGIN
    DELETE FROM dues_collectors WHERE member_id = NEW.id;
END;
