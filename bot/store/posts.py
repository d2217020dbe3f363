"""设岗定责 as data: the catalogue of posts, claims of a post (认领岗位), the reviewers a secretary names, the
quarterly accounts (述职) with their rating, and the 公示 previewed and posted. Reached as `store.duty.posts`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Collection, Iterable

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.store.db import Database
from bot.store.outbox import Outgoing, enqueue_in


class Post(BaseModel):
    """A post of the catalogue. `key` is what `member_posts` holds."""

    model_config = ConfigDict(frozen=True)

    id: int
    key: str
    name: str
    form: str  # patrol | mediation | generic
    per_entry: int
    per_minutes: int | None = None
    minimum: int = 0
    active: bool = True


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    member_id: int
    post_id: int
    asked_at: str
    decision: str | None = None
    decided_by: int | None = None
    decided_at: str | None = None


class Account(BaseModel):
    """A post-holder's quarter: the account (text or voice) and the panel's rating."""

    model_config = ConfigDict(frozen=True)

    id: int
    member_id: int
    quarter: str
    text: str | None = None
    voice_file_id: str | None = None
    at: str | None = None
    rating: str | None = None  # the outcome: the rating more than half of the committee gave
    rated_by: int | None = None
    rated_at: str | None = None
    ratings: str | None = None  # each rater's, for the export: `王书记:competent;李委员:excellent`


class Rating(BaseModel):
    """One committee member's rating of a post-holder's quarter (述职评定)."""

    model_config = ConfigDict(frozen=True)

    member_id: int
    quarter: str
    rater_id: int
    rater_name: str
    rating: str
    at: str


class Publicity(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    unit_id: int
    quarter: str
    text: str
    created_by: int | None = None
    created_at: str
    chat_id: int | None = None
    posted_at: str | None = None


Messages = Callable[[], list[Outgoing]]


def _marks(values: list[int]) -> str:
    return ",".join("?" * len(values))


class PostRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # The catalogue ----------------------------------------------------------------------------------

    async def all(self) -> list[Post]:
        rows = await self.db.fetchall("SELECT * FROM posts ORDER BY id")
        return [Post.model_validate(dict(r)) for r in rows]

    async def get(self, post_id: int) -> Post | None:
        row = await self.db.fetchone("SELECT * FROM posts WHERE id = ?", (post_id,))
        return Post.model_validate(dict(row)) if row else None

    async def add(self, name: str, per_entry: int, per_minutes: int | None, minimum: int, at: str) -> Post | None:
        """A new generic post (its key is its name); None when a post of that name or key exists."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO posts (key, name, form, per_entry, per_minutes, minimum, created_at) "
                "VALUES (?, ?, 'generic', ?, ?, ?, ?)",
                (name, name, per_entry, per_minutes, minimum, at),
            )
            post_id = cur.lastrowid if cur.rowcount else None
        return await self.get(post_id) if post_id else None

    async def adopt(self, keys: Iterable[str], at: str) -> int:
        """Posts members hold (a roster's 岗位 column) that the catalogue lacks join it as generic posts: 1 point
        an entry, no minimum, named as written. How many joined."""
        wanted = sorted(set(keys) - {"patrol", "mediation"})
        if not wanted:
            return 0
        async with self.db.transaction() as conn:
            cur = await conn.executemany(
                "INSERT OR IGNORE INTO posts (key, name, form, per_entry, per_minutes, minimum, created_at) "
                "VALUES (?, ?, 'generic', 1, NULL, 0, ?)",
                [(k, k, at) for k in wanted],
            )
            return cur.rowcount

    async def toggle_active(self, post_id: int) -> bool:
        """Close a post to new claims, or open it again; whether it is open now."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE posts SET active = 1 - active WHERE id = ?", (post_id,))
            async with conn.execute("SELECT active FROM posts WHERE id = ?", (post_id,)) as cur:
                row = await cur.fetchone()
        return bool(row and row[0])

    async def update(self, post_id: int, per_entry: int, per_minutes: int | None, minimum: int) -> Post | None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE posts SET per_entry = ?, per_minutes = ?, minimum = ? WHERE id = ?",
                (per_entry, per_minutes, minimum, post_id),
            )
        return await self.get(post_id)

    # Which posts a unit uses -------------------------------------------------------------------------

    async def unused(self, unit_id: int) -> set[int]:
        """The ids of the catalogue's posts this unit does not use."""
        rows = await self.db.fetchall("SELECT post_id FROM unit_posts_unused WHERE unit_id = ?", (unit_id,))
        return {int(r["post_id"]) for r in rows}

    async def set_used(self, unit_id: int, post_id: int, used: bool, by: int | None, at: str) -> bool:
        """The unit uses the post again, or no longer; whether that changed anything."""
        async with self.db.transaction() as conn:
            if used:
                cur = await conn.execute(
                    "DELETE FROM unit_posts_unused WHERE unit_id = ? AND post_id = ?", (unit_id, post_id)
                )
            else:
                cur = await conn.execute(
                    "INSERT OR IGNORE INTO unit_posts_unused (unit_id, post_id, set_by, at) VALUES (?, ?, ?, ?)",
                    (unit_id, post_id, by, at),
                )
            return bool(cur.rowcount)

    # Claims -----------------------------------------------------------------------------------------

    async def open_claim(
        self, member_id: int, post_id: int, at: str, messages: Callable[[int], list[Outgoing]]
    ) -> tuple[int | None, int]:
        """A new claim and the deciders' messages (made from its id) in one transaction; (claim id, queued),
        or (None, 0) when the member already has an open claim of that post."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO post_claims (member_id, post_id, asked_at) VALUES (?, ?, ?)",
                (member_id, post_id, at),
            )
            if not cur.rowcount or cur.lastrowid is None:
                return None, 0
            return cur.lastrowid, await enqueue_in(conn, messages(cur.lastrowid))

    async def claim(self, claim_id: int) -> Claim | None:
        row = await self.db.fetchone("SELECT * FROM post_claims WHERE id = ?", (claim_id,))
        return Claim.model_validate(dict(row)) if row else None

    async def decide_claim(
        self, claim_id: int, decision: str, by: int | None, at: str, key: str, messages: Messages
    ) -> int | None:
        """Record the decision on an open claim (an approved one gives the post `key`) and queue the member's
        message, in one transaction; messages queued, or None when it was decided before."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE post_claims SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ? AND decision IS NULL",
                (decision, by, at, claim_id),
            )
            if cur.rowcount == 0:
                return None
            if decision == "approved":
                await conn.execute(
                    "INSERT OR IGNORE INTO member_posts (member_id, post) "
                    "SELECT member_id, ? FROM post_claims WHERE id = ?",
                    (key, claim_id),
                )
            return await enqueue_in(conn, messages())

    # Reviewers --------------------------------------------------------------------------------------

    async def is_reviewer(self, member_id: int) -> bool:
        return await self.db.fetchone("SELECT 1 FROM post_reviewers WHERE member_id = ?", (member_id,)) is not None

    async def toggle_reviewer(self, member_id: int, by: int | None, at: str) -> bool:
        """Name the member a reviewer, or take it back; whether they are one now."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM post_reviewers WHERE member_id = ?", (member_id,))
            if cur.rowcount:
                return False
            await conn.execute(
                "INSERT INTO post_reviewers (member_id, named_by, at) VALUES (?, ?, ?)", (member_id, by, at)
            )
            return True

    # Accounts (述职) and ratings --------------------------------------------------------------------

    async def save_account(self, member_id: int, quarter: str, text: str | None, voice: str | None, at: str) -> None:
        """The account of the quarter (a second one replaces the first; a rating is kept)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO post_accounts (member_id, quarter, text, voice_file_id, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (member_id, quarter) DO UPDATE SET text = excluded.text, "
                "voice_file_id = excluded.voice_file_id, at = excluded.at",
                (member_id, quarter, text, voice, at),
            )

    async def rate(
        self,
        member_id: int,
        quarter: str,
        rater_id: int,
        rating: str,
        at: str,
        outcome: Callable[[list[str]], str | None],
    ) -> str | None:
        """A committee member's rating (a second one of theirs replaces the first) and the outcome `outcome`
        makes of every rating of the quarter so far, kept on the account, in one transaction; the outcome."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO post_ratings (member_id, quarter, rater_id, rating, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (member_id, quarter, rater_id) DO UPDATE SET rating = excluded.rating, at = excluded.at",
                (member_id, quarter, rater_id, rating, at),
            )
            async with conn.execute(
                "SELECT rating FROM post_ratings WHERE member_id = ? AND quarter = ?", (member_id, quarter)
            ) as cur:
                decided = outcome([str(r[0]) for r in await cur.fetchall()])
            await conn.execute(
                "INSERT INTO post_accounts (member_id, quarter, rating, rated_by, rated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (member_id, quarter) DO UPDATE SET rating = excluded.rating, "
                "rated_by = excluded.rated_by, rated_at = excluded.rated_at",
                (member_id, quarter, decided, rater_id if decided else None, at if decided else None),
            )
        return decided

    async def ratings(self, quarter: str, member_ids: Iterable[int]) -> dict[int, list[Rating]]:
        """Each committee member's rating of these post-holders' quarter, with the rater's name, oldest first."""
        ids = sorted(set(member_ids))
        if not ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT r.*, m.name AS rater_name FROM post_ratings r JOIN members m ON m.id = r.rater_id "
            f"WHERE r.quarter = ? AND r.member_id IN ({_marks(ids)}) ORDER BY r.at, r.rater_id",
            (quarter, *ids),
        )
        out: dict[int, list[Rating]] = {}
        for r in rows:
            out.setdefault(int(r["member_id"]), []).append(Rating.model_validate(dict(r)))
        return out

    async def rated(self, member_id: int, quarter: str) -> bool:
        """Whether anyone rated the quarter's account (then it is frozen), or an outcome was recorded."""
        row = await self.db.fetchone(
            "SELECT 1 FROM post_ratings WHERE member_id = ? AND quarter = ? UNION ALL "
            "SELECT 1 FROM post_accounts WHERE member_id = ? AND quarter = ? AND rating IS NOT NULL",
            (member_id, quarter, member_id, quarter),
        )
        return row is not None

    async def accounts(self, quarter: str, member_ids: Iterable[int]) -> dict[int, Account]:
        ids = sorted(set(member_ids))
        if not ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT * FROM post_accounts WHERE quarter = ? AND member_id IN ({_marks(ids)})", (quarter, *ids)
        )
        return {int(r["member_id"]): Account.model_validate(dict(r)) for r in rows}

    async def each_account(
        self,
        units: Collection[int] | None = None,
    ) -> AsyncGenerator[tuple[Account, str, int], None]:
        """Every account (of members whose branch or group is in `units`, when given) with the member's name and
        branch, by quarter, streamed from a cursor: for the export."""
        where: str = ""
        params: tuple[int, ...] = ()
        if units is not None:
            ids = sorted(set(units)) or [-1]
            where = f"WHERE m.unit_id IN ({_marks(ids)}) OR m.group_id IN ({_marks(ids)})"
            params = (*ids, *ids)
        async for r in self.db.stream(
            "SELECT a.*, m.name AS member_name, m.unit_id AS member_unit, "
            "(SELECT group_concat(v.name || ':' || p.rating, ';') FROM post_ratings p JOIN members v "
            "ON v.id = p.rater_id WHERE p.member_id = a.member_id AND p.quarter = a.quarter) AS ratings "
            f"FROM post_accounts a JOIN members m ON m.id = a.member_id {where} ORDER BY a.quarter, a.member_id",
            params,
        ):
            yield Account.model_validate(dict(r)), str(r["member_name"]), int(r["member_unit"])

    async def unasked(self, key_prefix: str, limit: int = 500) -> list[aiosqlite.Row]:
        """Active, linked post-holders with no outbox row keyed `key_prefix` + their id (not asked yet); a few
        hundred at a time (the next sweep takes the rest). Read from the post-holders (few), not all members,
        and the sent-log by its unique key: the sweep runs this every time while a quarter's window is open."""
        return await self.db.fetchall(
            "SELECT m.id, m.telegram_id, m.language FROM (SELECT DISTINCT member_id FROM member_posts) p "
            "JOIN members m ON m.id = p.member_id WHERE m.active = 1 AND m.telegram_id IS NOT NULL "
            "AND m.linked_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.key = ? || m.id) "
            "ORDER BY m.id LIMIT ?",
            (key_prefix, limit),
        )

    # 公示 --------------------------------------------------------------------------------------------

    async def add_publicity(self, unit_id: int, quarter: str, text: str, by: int | None, at: str) -> int:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO post_publicity (unit_id, quarter, text, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                (unit_id, quarter, text, by, at),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def publicity(self, publicity_id: int) -> Publicity | None:
        row = await self.db.fetchone("SELECT * FROM post_publicity WHERE id = ?", (publicity_id,))
        return Publicity.model_validate(dict(row)) if row else None

    async def all_publicity(self) -> list[Publicity]:
        rows = await self.db.fetchall("SELECT * FROM post_publicity WHERE posted_at IS NOT NULL ORDER BY id")
        return [Publicity.model_validate(dict(r)) for r in rows]

    async def post_publicity(self, publicity_id: int, chat_id: int, at: str, messages: Messages) -> int | None:
        """Mark the 公示 posted to `chat_id` and queue it, in one transaction; None when it was posted before."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE post_publicity SET chat_id = ?, posted_at = ? WHERE id = ? AND posted_at IS NULL",
                (chat_id, at, publicity_id),
            )
            if cur.rowcount == 0:
                return None
            return await enqueue_in(conn, messages())
