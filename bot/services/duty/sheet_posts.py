"""The ledger's sheets of 设岗定责's quarters (issue 17): 述职评议 (each post-holder's quarterly account and the
panel's rating: 优秀 / 称职 / 基本称职 / 不称职) and 公示记录 (each 公示 posted to a group, with its text)."""

from __future__ import annotations

from contextlib import aclosing
from datetime import datetime

from bot.services.duty.accounts import quarter_label as quarter_name
from bot.services.duty.common import catalogue
from bot.services.duty.points import RATINGS, Quarter
from bot.services.duty.rules import FieldError
from bot.services.duty.sheet import post_name
from bot.services.kernel.text import join_names
from bot.services.kernel.xlsx_cells import printable
from bot.services.kernel.xlsx_context import Ledger

ACCOUNT_COLUMNS = ("quarter", "name", "branch", "posts", "account", "written_at", "rating", "rated_at")
PUBLICITY_COLUMNS = ("posted_at", "branch", "quarter", "text")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def quarter_label(ledger: Ledger, value: str) -> str:
    """`2026Q1` as 2026年第一季度, in the words the bot uses (a value no quarter reads as stays as it is)."""
    try:
        quarter = Quarter.parse(value)
    except FieldError:
        return value
    return printable(quarter_name(ledger.lang, quarter))


async def accounts_sheet(ledger: Ledger) -> None:
    """述职评议: every account of the units' post-holders, by quarter: the text (a voice account says so), when it
    was written, the rating and when it was given."""
    table = ledger.book.table(
        ledger.text("accounts.sheet"), ledger.headers("accounts", ACCOUNT_COLUMNS), widths={4: 48}
    )
    cat = await catalogue(ledger.store)
    lang = ledger.lang
    posts = {
        h.id: join_names([post_name(lang, cat, p.key) for p in cat.held(h.posts)], lang) or None
        for h in await ledger.reads.holders(ledger.units)
    }
    ratings = {r: ledger.text(f"rating.{r}") for r in RATINGS}
    voice, missing, unrated = (
        ledger.text("accounts.voice"),
        ledger.text("accounts.missing"),
        ledger.text("rating.none"),
    )
    quarters: dict[str, str] = {}
    async with aclosing(ledger.store.duty.posts.each_account(ledger.units)) as accounts:
        async for account, name, unit_id in accounts:
            written = _when(account.at)
            ledger.seen(written)
            text = account.text or (voice if account.voice_file_id else missing)
            table.row(
                [
                    quarters.get(account.quarter)
                    or quarters.setdefault(account.quarter, quarter_label(ledger, account.quarter)),
                    name,
                    ledger.unit(unit_id),
                    posts.get(account.member_id),
                    text,
                    written,
                    ratings.get(account.rating or "", unrated),
                    _when(account.rated_at),
                ]
            )


async def publicity_sheet(ledger: Ledger) -> None:
    """公示记录: every 公示 of the units posted to a group, oldest first, with its text."""
    table = ledger.book.table(
        ledger.text("publicity.sheet"), ledger.headers("publicity", PUBLICITY_COLUMNS), widths={3: 60}
    )
    for posted in await ledger.store.duty.posts.all_publicity():
        if ledger.units is not None and posted.unit_id not in ledger.units:
            continue
        at = _when(posted.posted_at)
        ledger.seen(at)
        # The 公示 as posted to the group is Telegram HTML (a bold title, an emoji): printed as plain text.
        table.row([at, ledger.unit(posted.unit_id), quarter_label(ledger, posted.quarter), printable(posted.text)])
