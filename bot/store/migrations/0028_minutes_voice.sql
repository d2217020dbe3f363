-- Minutes as people write them (issue 23 item 4): 会议内容 is written in several messages (kept joined, one paragraph
-- each, as before in `content`) and may come with a voice message — a secretary who records the meeting rather than
-- typing it. The voice is kept by its Telegram file id and length, as voice thought reports are; NULL for minutes
-- without one (every minutes saved before this migration).
ALTER TABLE minutes ADD COLUMN voice_file_id TEXT;
ALTER TABLE minutes ADD COLUMN voice_seconds INTEGER CHECK (voice_seconds >= 0);
