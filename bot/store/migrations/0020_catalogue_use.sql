-- The post catalogue belongs to the community (issue 30 item 3): only the community's secretary or an admin
-- changes it. A branch chooses which of its posts it uses: a row here says the unit does not use the post
-- (its members are not offered it in /claim, its secretary does not give it). No row: the unit uses it, so
-- every existing database keeps what it had.
CREATE TABLE unit_posts_unused (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    set_by  INTEGER,  -- members.id of the secretary (NULL: an administrator outside the roster)
    at      TEXT NOT NULL,
    PRIMARY KEY (unit_id, post_id)
);
