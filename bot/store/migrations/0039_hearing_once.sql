-- A 民情恳谈会's record raises each 诉求 once (issue 28 review): one request per meeting, household and text, so
-- two saves of the same record at the same moment cannot raise it twice (the insert does nothing the second time).
-- Requests raised twice before this migration all stay; the later copies only lose their link to the meeting
-- (`notice_id`, shown nowhere but in that meeting's count), so the index can be made.
UPDATE requests SET notice_id = NULL
 WHERE notice_id IS NOT NULL
   AND id NOT IN (SELECT min(id) FROM requests WHERE notice_id IS NOT NULL GROUP BY notice_id, household_id, text);
CREATE UNIQUE INDEX requests_hearing_once ON requests (notice_id, household_id, text) WHERE notice_id IS NOT NULL;
