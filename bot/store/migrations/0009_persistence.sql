-- Conversation state kept across restarts (issue 16): where each person is in a multi-step command, and the
-- draft that command keeps for them (PTB's user_data), as JSON — never pickles.
CREATE TABLE conversation_states (
    name TEXT NOT NULL,        -- the ConversationHandler's name (notice, report, status, duty, notice-leave)
    key TEXT NOT NULL,         -- its conversation key, a JSON array ([chat_id, user_id] or [user_id])
    state TEXT NOT NULL,       -- the state, JSON
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE conversation_user_data (
    user_id INTEGER PRIMARY KEY,   -- the Telegram account
    data TEXT NOT NULL,            -- a JSON object: the drafts of the commands in progress
    updated_at TEXT NOT NULL
);
