-- The language a person of the 发展党员 register chose with /lang (issue 24): not a member, they have no row in
-- `members` to keep it; their own record, their 思想汇报 and its reminders follow it. NULL: Telegram's, else the
-- default. One new column: nothing is rewritten.
ALTER TABLE development ADD COLUMN language TEXT;
