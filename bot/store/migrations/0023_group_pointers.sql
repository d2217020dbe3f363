-- People not on the roster who write a command to the bot in a group get a short pointer to the private chat
-- at most once per group and day (issue 30 item 1); remembered here so that a restart does not point them again.
-- One row per group and person: the local day (TIMEZONE) of the last pointer. Rows of past days are pruned.

CREATE TABLE group_pointers (
    chat_id INTEGER NOT NULL,   -- the group (negative)
    user_id INTEGER NOT NULL,   -- the person's Telegram id
    day     TEXT NOT NULL,      -- YYYY-MM-DD, local
    PRIMARY KEY (chat_id, user_id)
);

CREATE INDEX group_pointers_day ON group_pointers (day);
