-- The command menus published to Telegram (issue 31 item 4): one row per scope (`default:<lang>` for the menu of
-- private chats in a language, `chat:<telegram id>` for a person's own menu) with a digest of what was published.
-- At start-up only the menus whose digest changed are published again (3 000 calls at 100 000 members before,
-- one after another, before polling started); a person whose own menu was taken away gets the default one back.
CREATE TABLE menus (
    scope   TEXT PRIMARY KEY,
    digest  TEXT NOT NULL,
    at      TEXT NOT NULL
);
