"""设岗定责 as data in the export: the catalogue (`posts.csv`), the quarterly accounts with the panel's rating
(`duty_accounts.csv`) and the 公示 posted (`duty_publicity.csv`); the entries with their review are in
`duty_logs.csv` (`bot.services.duty.common`). Each is a plain read function `(store, tree, units)` yielding rows, so
the Excel workbook can take the same rows as a sheet. Times are UTC ISO, as in `duty_logs.csv`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from bot.domain.rights import OrgTree
from bot.store import Store

POSTS_HEADER = ["id", "name", "key", "form", "points_per_entry", "minutes_per_extra_point", "monthly_minimum", "active"]
ACCOUNTS_HEADER = [
    "quarter",
    "member",
    "branch",
    "account",
    "voice_file_id",
    "written_at_utc",
    "rating",
    "rated_at_utc",
    "ratings",
]
PUBLICITY_HEADER = ["id", "branch", "quarter", "posted_at_utc", "text"]


async def posts_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    """`posts.csv`: the catalogue (the community's, whoever exports)."""
    for post in await store.duty.posts.all():
        yield [
            post.id,
            post.name,
            post.key,
            post.form,
            post.per_entry,
            post.per_minutes,
            post.minimum,
            "yes" if post.active else "no",
        ]


async def accounts_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    """`duty_accounts.csv`: each post-holder's quarter — the account (text, or a voice message by its Telegram
    file id), the 支委会's rating (excellent | competent | basic | incompetent: the one more than half of the
    committee gave) and each committee member's (`ratings`: `王书记:competent;李委员:excellent`) — of members in
    `units`."""
    async with aclosing(store.duty.posts.each_account(units)) as accounts:
        async for account, name, unit_id in accounts:
            yield [
                account.quarter,
                name,
                tree.name(unit_id),
                account.text,
                account.voice_file_id,
                account.at,
                account.rating,
                account.rated_at,
                account.ratings,
            ]


async def publicity_rows(store: Store, tree: OrgTree, units: set[int] | None) -> AsyncGenerator[list[object], None]:
    """`duty_publicity.csv`: every 公示 posted to a group, with its text."""
    for posted in await store.duty.posts.all_publicity():
        if units is None or posted.unit_id in units:
            yield [posted.id, tree.name(posted.unit_id), posted.quarter, posted.posted_at, posted.text]
