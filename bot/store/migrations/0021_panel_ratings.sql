-- 述职 ratings by the 支委会 (issue 30 item 10): each committee member's rating of a post-holder's quarter is kept
-- (who rated, what, when) instead of one rating by whoever typed /rate last. post_accounts.rating stays the
-- outcome — the rating more than half of the committee gave — written in the transaction of each rating, so the
-- 公示 and the exports read it as before. A rating given before the upgrade by a member of the roster becomes that
-- member's rating; an outcome recorded without a rater (an administrator outside the roster) stays the outcome.
CREATE TABLE post_ratings (
    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    quarter   TEXT NOT NULL,
    rater_id  INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    rating    TEXT NOT NULL CHECK (rating IN ('excellent', 'competent', 'basic', 'incompetent')),
    at        TEXT NOT NULL,
    PRIMARY KEY (member_id, quarter, rater_id)
);
INSERT INTO post_ratings (member_id, quarter, rater_id, rating, at)
    SELECT a.member_id, a.quarter, a.rated_by, a.rating,
           COALESCE(a.rated_at, a.at, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))
    FROM post_accounts a JOIN members m ON m.id = a.rated_by
    WHERE a.rating IS NOT NULL;
