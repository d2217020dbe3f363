"""Quarterly 述职 as use cases: the prompt (a reminder source), the post-holder's account (text or voice), the
secretary's list of accounts with the quarter's approved figures (`/accounts`) and the panel's rating
(`/rate`). The 公示 is `bot.services.duty.publicity`.

The prompt: from 08:00 on the 25th of a quarter's last month until a month after the quarter, every active,
linked post-holder is asked once for that quarter's account — the outbox key `duty:account:<quarter>:<id>`
is the sent-log, so a restart never asks again. No Telegram here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.config import Settings
from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, alert, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import Html, resolve_language, t
from bot.services.duty.buttons import DutyAccountsPage, DutyAccountWrite
from bot.services.duty.common import catalogue
from bot.services.duty.points import Quarter, entry_points, panel_outcome, parse_rating, under_review
from bot.services.duty.rules import FieldError
from bot.services.duty.view import posts_label
from bot.services.kernel import pages
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import Filter, clip
from bot.services.kernel.reminders import Due
from bot.services.kernel.text import clean_text
from bot.services.members.people import managed_members, unit_label
from bot.store import Store
from bot.store.db import iso
from bot.store.outbox import Outgoing
from bot.store.posts import Account, Rating

log = logging.getLogger(__name__)

ACCOUNT_LIMIT = 1000
PER_PAGE = 10
KEY = "duty:account:{quarter}:"


def account_key(quarter: Quarter, member_id: int) -> str:
    return KEY.format(quarter=quarter) + str(member_id)


async def account_prompts(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """A reminder source: the post-holders not yet asked for the account of a quarter whose window is open."""
    current = Quarter.of(now, settings.tz)
    previous = Quarter(current.year - 1, 4) if current.number == 1 else Quarter(current.year, current.number - 1)
    due = []
    for quarter in (previous, current):
        start, end = quarter.ask_window(settings.tz)
        if not start <= now < end:
            continue
        for row in await store.duty.posts.unasked(KEY.format(quarter=quarter)):
            lang = resolve_language(row["language"], None, settings.default_language)
            buttons = [[{"text": t(lang, "posts.account.button"), "data": DutyAccountWrite(quarter.key).pack()}]]
            due.append(
                Due(
                    Outgoing(
                        key=account_key(quarter, int(row["id"])),
                        kind="reminder",
                        chat_id=int(row["telegram_id"]),
                        member_id=int(row["id"]),
                        ref=f"account:{quarter}",
                        buttons=buttons,
                        text=t(lang, "posts.account.prompt", quarter=quarter_label(lang, quarter)),
                    )
                )
            )
    return due


def quarter_label(lang: str, quarter: Quarter) -> str:
    """`2026年第一季度` / `Q1 2026`: in the words the thought reports use for a quarter."""
    return t(lang, "report.quarter_name", year=quarter.year, quarter=t(lang, f"report.q{quarter.number}"))


# The post-holder's account ------------------------------------------------------------------------------


class AccountDraft(drafts.Draft):
    """The quarterly prompt's 写述职 pressed: the quarter (`20261`) whose account is being written."""

    flow: Literal["duty.account"] = "duty.account"
    quarter: int


def open_quarters(deps: Deps, now: datetime) -> tuple[Quarter, Quarter]:
    """The quarters an account may be written for: the current one and the one before it."""
    current = Quarter.of(now, deps.tz)
    return current, (Quarter(current.year - 1, 4) if current.number == 1 else Quarter(current.year, current.number - 1))


async def _closed(deps: Deps, call: Call, quarter: Quarter) -> str | None:
    """Why no account can be written for this quarter now (a catalogue key): not the current or the previous
    quarter, or rated already (a rated account stays as it was rated); None when it can."""
    member = call.actor.member
    if quarter not in open_quarters(deps, call.now):
        return "posts.account.not_open"
    if member is not None and await deps.store.duty.posts.rated(member.id, str(quarter)):
        return "posts.account.frozen"
    return None


async def ask(deps: Deps, call: Call, key: int | None) -> tuple[Reply, Quarter | None]:
    """`/account` or the prompt's button: the question, and the quarter the next message is the account of.
    Refused for a quarter other than the current or the previous one (a forged or very old button), and for
    one whose account was rated."""
    actor = call.actor
    quarter = Quarter.of_key(key) if key else under_review(call.now, deps.tz)
    if actor.member is None or not actor.member.posts or quarter is None:
        return alert("posts.account.not_holder"), None
    closed = await _closed(deps, call, quarter)
    if closed is not None:
        return say(closed, quarter=quarter_label(call.lang, quarter)), None
    return say("posts.account.ask", quarter=quarter_label(call.lang, quarter)), quarter


@dataclass(frozen=True)
class Said:
    """A post-holder's account as sent: typed text, or a voice message's file id."""

    text: str | None = None
    voice: str | None = None


async def save(deps: Deps, call: Call, quarter: Quarter, said: Said) -> Reply:
    """The account typed (or a voice message): kept for the quarter (a later one replaces it until the account
    is rated; checked again, as the quarter may have closed or a rating come in since it was asked)."""
    member, voice, lang = call.actor.member, said.voice, call.lang
    if member is None:
        return say("posts.account.not_holder")
    closed = await _closed(deps, call, quarter)
    if closed is not None:
        return say(closed, quarter=quarter_label(lang, quarter))
    written = clean_text(said.text or "", multiline=True)[:ACCOUNT_LIMIT].strip() or None
    if written is None and voice is None:
        return say("posts.account.ask", quarter=quarter_label(lang, quarter))
    await deps.store.duty.posts.save_account(member.id, str(quarter), written, voice, iso(call.now))
    log.info("member=%s account of %s saved", member.id, quarter)
    return say("posts.account.saved", quarter=quarter_label(lang, quarter))


# The secretary's view ----------------------------------------------------------------------------------


@dataclass
class Holder:
    """A post-holder's quarter: approved entries and points, the account, its outcome and each rating."""

    member: Member
    entries: int = 0
    points: int = 0
    account: Account | None = None
    posts: list[str] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)


async def quarter_figures(store: Store, members: list[Member], quarter: Quarter, settings: Settings) -> list[Holder]:
    """Every post-holder among `members` with the quarter's approved figures, most points first."""
    holders = {m.id: Holder(m) for m in members if m.posts}
    cat = await catalogue(store)
    start, end = quarter.bounds(settings.tz)
    units = {m.unit_id for m in members} | {m.group_id for m in members if m.group_id is not None}
    for entry, _name, _unit in await store.duty.in_units(units, iso(start), iso(end), review="approved"):
        holder = holders.get(entry.member_id)
        if holder is not None:
            holder.entries += 1
            holder.points += entry_points(entry, cat)
    accounts = await store.duty.posts.accounts(str(quarter), holders)
    ratings = await store.duty.posts.ratings(str(quarter), holders)
    for holder in holders.values():
        holder.account = accounts.get(holder.member.id)
        holder.ratings = ratings.get(holder.member.id, [])
    return sorted(holders.values(), key=lambda h: (-h.points, h.member.name, h.member.id))


def rating_label(lang: str, account: Account | None) -> str:
    return t(lang, f"posts.rating.{account.rating}") if account and account.rating else t(lang, "posts.rating.none")


def _parse_quarter(text: str, now: datetime, settings: Settings) -> Quarter:
    return Quarter.parse(text) if text.strip() else under_review(now, settings.tz)


async def accounts(deps: Deps, call: Call, text: str) -> Reply:
    """`/accounts [2026Q1]`: the post-holders of the secretary's units with the quarter's figures, accounts
    and ratings."""
    try:
        quarter = _parse_quarter(text, call.now, deps.settings)
    except FieldError:
        return say("posts.err.quarter", value=text.strip())
    return await accounts_page(deps, call, DutyAccountsPage(quarter.key, 1))


async def _members_seen(actor: Actor, store: Store, tree: OrgTree) -> list[Member] | None:
    """Whose 述职 the actor sees: a secretary's (an admin's) units; a committee member's own unit (to rate);
    None for anyone else."""
    if actor.is_secretary:
        return await managed_members(store, actor, tree)
    me = actor.member
    if me is not None and me.is_committee:
        return [m for m in await store.members.in_units([me.unit_id]) if m.unit_id == me.unit_id]
    return None


async def _flags(store: Store, members: list[Member]) -> dict[int, list[str]]:
    """Post-holders to be mindful of when rating: ill by their latest status, or with an open care case
    (关爱帮扶). Member id → the catalogue keys of the flags."""
    ids = [m.id for m in members]
    flags: dict[int, list[str]] = {}
    for member_id, status in (await store.reports.latest_status(ids)).items():
        if status.state == "ill":
            flags.setdefault(member_id, []).append("posts.flag.ill")
    cared = {c.member_id for c in await store.care.open_in_units({m.unit_id for m in members})}
    for member_id in cared & set(ids):
        flags.setdefault(member_id, []).append("posts.flag.care")
    return flags


def outcome_label(lang: str, holder: Holder, panel: int) -> str:
    """The 支委会's rating and each member's (`称职（王书记 称职、李委员 称职）`), or how far it is from a majority."""
    votes = (" " if lang == "zh" else ", ").join(
        t(lang, "posts.rating.vote", name=r.rater_name, rating=t(lang, f"posts.rating.{r.rating}"))
        for r in holder.ratings
    )
    outcome = rating_label(lang, holder.account)
    if not holder.ratings:
        return outcome
    if holder.account is not None and holder.account.rating:
        return t(lang, "posts.rating.decided", rating=outcome, votes=votes)
    return t(lang, "posts.rating.open", count=len(holder.ratings), panel=panel, votes=votes, need=panel // 2 + 1)


async def panel_of(store: Store, member: Member) -> list[Member]:
    """Who rates a post-holder's 述职: the committee (支委会) of their own unit — the secretary and the 支委 —
    but themselves."""
    return [
        m
        for m in await store.members.in_units([member.unit_id])
        if m.unit_id == member.unit_id and m.is_committee and m.id != member.id
    ]


async def accounts_page(deps: Deps, call: Call, pressed: DutyAccountsPage) -> Reply:
    """A page of `/accounts` (the quarter and the page the button names), while the person is a secretary or
    a committee member (their own unit's)."""
    actor, store, settings, lang = call.actor, deps.store, deps.settings, call.lang
    key, number = pressed.quarter, pressed.page
    quarter = Quarter.of_key(key)
    tree = OrgTree.of(await store.units.all())
    seen = await _members_seen(actor, store, tree) if quarter is not None else None
    if quarter is None or seen is None:
        return alert("pages.expired", command="/accounts")
    holders = await quarter_figures(store, seen, quarter, settings)
    label = quarter_label(lang, quarter)
    if not holders:
        return say("posts.accounts.empty", quarter=label)
    only: tuple[Filter[Holder], ...] = (Filter("all", "duty.report.filter.all"),)
    page = pages.paginate(holders, only, pages.Asked("all", number, PER_PAGE))
    flags = await _flags(store, [h.member for h in page.entries])
    lines = []
    for n, h in enumerate(page.entries, page.offset + 1):
        account = h.account
        said = (
            t(lang, "posts.accounts.voice")
            if account and account.voice_file_id
            else t(lang, "posts.accounts.text", text=clip(account.text, 120))
            if account and account.text
            else t(lang, "posts.accounts.missing")
        )
        lines.append(
            t(
                lang,
                "posts.accounts.line",
                n=n,
                name=clip(h.member.name, 20),
                unit=clip(unit_label(tree, h.member), 30),
                posts=posts_label(lang, h.member.posts),
                entries=h.entries,
                points=h.points,
                account=said,
                rating=outcome_label(lang, h, len(await panel_of(store, h.member))),
                flags="".join(t(lang, key) for key in flags.get(h.member.id, [])),
            )
        )
    handed = sum(1 for h in holders if h.account and (h.account.text or h.account.voice_file_id))
    text = "\n".join(
        [
            t(lang, "posts.accounts.header", quarter=label, count=len(holders), handed=handed),
            *lines,
            *(["", *pages.footer(page, lang, export=True)] if page.pages > 1 else []),
            *(["", t(lang, "posts.accounts.flagged")] if flags else []),
            "",
            t(lang, "posts.accounts.hint", quarter=str(quarter)),
        ]
    )
    return shown(text, pages.buttons(page, lambda _f, n: DutyAccountsPage(key, n).pack(), lang))


async def rate(deps: Deps, call: Call, fields: list[str]) -> Reply:
    """`/rate 姓名 | 优秀 [| 2026Q1]`: a committee member's rating of a post-holder of their own unit. Each member
    of the 支委会 rates once (again: theirs is replaced); the outcome is the rating more than half of the
    committee gave (`points.panel_outcome`), kept with who rated what."""
    actor, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    me = actor.member
    if me is None or not me.is_committee:
        return say("posts.rate.panel_only")
    name, word, quarter_text = [*fields, "", "", ""][:3]
    if not name or not word:
        return say("posts.rate.usage")
    try:
        rating = parse_rating(word)
        quarter = _parse_quarter(quarter_text, now, settings)
    except FieldError as err:
        return say(f"posts.err.{err.problem}", value=err.value)
    named = [m for m in await store.members.named(clean_text(name)) if m.unit_id == me.unit_id and m.posts]
    if any(m.id == me.id for m in named):
        return say("posts.rate.self")
    if len(named) != 1:
        return say("posts.rate.not_found" if not named else "posts.reviewer.ambiguous", name=name)
    member = named[0]
    panel = await panel_of(store, member)
    decided = await store.duty.posts.rate(
        member.id, str(quarter), me.id, rating, iso(now), lambda votes: panel_outcome(votes, len(panel))
    )
    log.info("member=%s rated for %s by member=%s: outcome %s", member.id, quarter, me.id, decided)
    holder = Holder(member)
    holder.account = (await store.duty.posts.accounts(str(quarter), [member.id])).get(member.id)
    holder.ratings = (await store.duty.posts.ratings(str(quarter), [member.id])).get(member.id, [])
    flags = (await _flags(store, [member])).get(member.id, [])
    return say(
        "posts.rate.saved",
        name=member.name,
        quarter=quarter_label(lang, quarter),
        rating=t(lang, f"posts.rating.{rating}"),
        outcome=outcome_label(lang, holder, len(panel)),
        flags=Html("".join(t(lang, key) for key in flags)),
    )
