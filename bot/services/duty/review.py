"""Reviewed points (支部审核) as use cases: entries are pending until a secretary — or a committee member a
secretary named reviewer (`/posts 审核人`) — approves them. `/review [YYYY-MM]` lists the pending entries of
the units the reviewer covers, ten to a page (`bot.services.kernel.pages`), each with ✅ / ❌, a button approving the
page and, for a month, one approving the whole month. ❌ asks the reason, which goes back to the post-holder
through the outbox in the transaction that records it. Nobody reviews their own work: a reviewer's own
entries are not listed, and a (forged) press on one is refused with nothing changed; another reviewer takes
them. Only approved entries count toward the points, the
minimum and the ranking (`bot.services.duty.points`). No Telegram here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.results import Buttons, Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import Html, resolve_language, t
from bot.services.duty.buttons import DutyApprove, DutyApproveMonth, DutyApproveRange, DutyReject, DutyReviewPage
from bot.services.duty.common import catalogue
from bot.services.duty.month import month_key, month_of_key
from bot.services.duty.points import Catalogue, entry_points
from bot.services.duty.rules import MEDIATION, PATROL, FieldError, Month
from bot.services.duty.view import field_error, month_label
from bot.services.kernel import dates, pages
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import Filter, clip
from bot.services.kernel.text import clean_text
from bot.store import Store
from bot.store.db import iso
from bot.store.duty import DutyLog
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

PER_PAGE = 10
REASON_LIMIT = 200
_ALL: tuple[Filter[tuple[DutyLog, str, int]], ...] = (Filter("all", "duty.report.filter.all"),)


async def reviewer_units(actor: Actor, store: Store, tree: OrgTree) -> set[int] | None:
    """The units whose entries the actor reviews: a secretary's (an admin's: all); a named reviewer's own unit
    and those under it; None for anyone else (`Capability.REVIEWER`: what /help and the menu go by)."""
    if actor.is_secretary:
        return managed_units(actor, tree)
    member = actor.member
    if member is not None and member.is_committee and await store.duty.posts.is_reviewer(member.id):
        return tree.subtree(member.unit_id)
    return None


def _refused(lang: str) -> Reply:
    return say("common.refused", what="/review", who=t(lang, "posts.review.who"))


def details(lang: str, entry: DutyLog, cat: Catalogue, cap: int | None = 30) -> str:
    """What an entry records, in a few words (HTML)."""
    if entry.post == PATROL:
        return t(lang, "posts.review.patrol", area=clip(entry.area, cap), minutes=entry.minutes)
    if entry.post == MEDIATION:
        return t(
            lang,
            "posts.review.mediation",
            parties=clip(entry.parties, cap),
            outcome=t(lang, f"duty.outcome.{entry.outcome or 'ongoing'}"),
        )
    return t(
        lang,
        "posts.review.generic",
        done=clip(entry.summary, cap),
        minutes=entry.minutes or 0,
        served=entry.served or 0,
    )


@dataclass(frozen=True)
class Listed:
    """The pending entries a reviewer sees (for a month, or all of them)."""

    entries: list[tuple[DutyLog, str, int]]
    cat: Catalogue
    month: Month | None
    own: int = 0  # the reviewer's own pending entries, left to another reviewer


def _me(actor: Actor) -> int | None:
    return actor.member.id if actor.member else None


async def _pending(deps: Deps, actor: Actor, units: set[int], month: Month | None) -> Listed:
    """The pending entries of `units` (of the month) that are not the actor's own, and how many of the
    actor's own wait for another reviewer."""
    bounds = month.bounds(deps.tz) if month else None
    entries = await deps.store.duty.in_units(
        units, iso(bounds[0]) if bounds else None, iso(bounds[1]) if bounds else None, review="pending"
    )
    me = _me(actor)
    others = [row for row in entries if row[0].member_id != me]
    return Listed(others, await catalogue(deps.store), month, len(entries) - len(others))


def _page(listed: Listed, number: int, note: str, lang: str) -> Reply:
    month = listed.month
    key = month_key(month) if month else 0
    where = month_label(lang, month) if month else t(lang, "posts.review.every_month")
    own = [t(lang, "posts.review.own_apart", count=listed.own)] if listed.own else []
    if not listed.entries:
        return shown("\n".join([*([note] if note else []), t(lang, "posts.review.none", month=where), *own]))
    page = pages.paginate(listed.entries, _ALL, pages.Asked("all", number, PER_PAGE))
    lines, rows = [], []
    for n, (entry, name, _unit) in enumerate(page.entries, page.offset + 1):
        lines.append(
            t(
                lang,
                "posts.review.line",
                n=n,
                id=entry.id,
                name=clip(name, 20),
                post=listed.cat.name(entry.post),
                date=dates.day(lang, entry.local_date),
                details=Html(details(lang, entry, listed.cat)),
                points=entry_points(entry, listed.cat),
            )
        )
        rows.append(
            [
                {
                    "text": t(lang, "posts.review.approve", id=entry.id),
                    "data": DutyApprove(key, page.number, entry.id).pack(),
                },
                {"text": t(lang, "posts.review.reject", id=entry.id), "data": DutyReject(entry.id).pack()},
            ]
        )
    first, last = page.entries[0][0].id, page.entries[-1][0].id
    extra: Buttons = [
        *rows,
        [
            {
                "text": t(lang, "posts.review.approve_page", count=len(page.entries)),
                "data": DutyApproveRange(key, first, last).pack(),
            }
        ],
    ]
    if month is not None:
        extra.append(
            [
                {
                    "text": t(lang, "posts.review.approve_month", month=where, count=len(listed.entries)),
                    "data": DutyApproveMonth(key).pack(),
                }
            ]
        )
    head = [*([note] if note else []), t(lang, "posts.review.header", month=where, count=len(listed.entries))]
    foot = pages.footer(page, lang, export=False)
    text = "\n".join([*head, *lines, *(["", *foot] if foot else []), *own, "", t(lang, "posts.review.hint")])
    return shown(text, pages.buttons(page, lambda _f, n: DutyReviewPage(key, n).pack(), lang, extra))


async def review(deps: Deps, call: Call, month_text: str) -> Reply:
    """`/review [YYYY-MM]`: the pending entries of the reviewer's units (of the month, or of every month)."""
    actor, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    tree = OrgTree.of(await store.units.all())
    units = await reviewer_units(actor, store, tree)
    if units is None:
        return _refused(lang)
    try:
        month = Month.parse(month_text) if month_text else None
    except FieldError as err:
        return field_error(err, now, settings.tz, lang)
    return _page(await _pending(deps, actor, units, month), 1, "", lang)


async def _scope(actor: Actor, key: int, store: Store) -> tuple[set[int], Month | None] | Reply:
    """The reviewer's units now and the month a button names; else the alert of an expired button."""
    month = month_of_key(key) if key else None
    units = await reviewer_units(actor, store, OrgTree.of(await store.units.all()))
    if units is None or (key and month is None):
        return alert("pages.expired", command="/review")
    return units, month


async def page(deps: Deps, call: Call, pressed: DutyReviewPage) -> Reply:
    """A page of `/review` (the month and page the button names), while the person may review."""
    scope = await _scope(call.actor, pressed.month, deps.store)
    if isinstance(scope, Reply):
        return scope
    return _page(await _pending(deps, call.actor, scope[0], scope[1]), pressed.page, "", call.lang)


@dataclass(frozen=True)
class Approval:
    """Entries to approve: of the month `key` (0: every month), ids `first..last` (None: every one of the
    month), and the page of the list to show after."""

    key: int
    ids: tuple[int, int] | None
    number: int = 1


async def approve(deps: Deps, call: Call, approval: Approval) -> Reply:
    """Approve pending entries of the reviewer's units: ids `first..last` (one entry, or a page), or (None)
    every one of the month; then the list again, saying how many were approved. The reviewer's own entries
    are never among them; a press naming one of them alone (only a forged one can) is refused."""
    actor, now, store, lang = call.actor, call.now, deps.store, call.lang
    key, ids, number = approval.key, approval.ids, approval.number
    scope = await _scope(actor, key, store)
    if isinstance(scope, Reply):
        return scope
    units, month = scope
    if ids is not None and ids[0] == ids[1] and await _own(actor, ids[0], store):
        log.warning("own entry=%s not approved: telegram_id=%s", ids[0], actor.telegram_id)
        return alert("posts.review.own")
    listed = await _pending(deps, actor, units, month)
    wanted = [e.id for e, _, _ in listed.entries if ids is None or ids[0] <= e.id <= ids[1]]
    done = await store.duty.approve(wanted, _me(actor), iso(now))
    log.info("%s entries approved by telegram_id=%s", done, actor.telegram_id)
    note = t(lang, "posts.review.approved", count=done)
    return _page(await _pending(deps, actor, units, month), number, note, lang)


class RejectDraft(drafts.Draft):
    """不通过 pressed on an entry: the entry whose reason is asked."""

    flow: Literal["duty.reject"] = "duty.reject"
    log_id: int


async def ask_reason(deps: Deps, call: Call, log_id: int) -> Reply:
    """❌ pressed: the question for the reason, if the entry is pending in the presser's units and not their
    own."""
    if await _own(call.actor, log_id, deps.store):
        return alert("posts.review.own")
    entry = await _reviewable(call.actor, log_id, deps.store)
    if entry is None:
        return alert("posts.review.gone", id=log_id)
    return say("posts.review.ask_reason", id=log_id)


async def _own(actor: Actor, log_id: int, store: Store) -> bool:
    """Whether the entry is the actor's own (nobody reviews their own work)."""
    entry = await store.duty.get(log_id) if actor.member is not None else None
    return entry is not None and entry.member_id == _me(actor)


async def _reviewable(actor: Actor, log_id: int, store: Store) -> DutyLog | None:
    """The entry, when it is pending in the actor's units and not their own."""
    units = await reviewer_units(actor, store, OrgTree.of(await store.units.all()))
    if units is None:
        return None
    pending = await store.duty.in_units(units, review="pending")
    found = [e for e, _, _ in pending if e.id == log_id and e.member_id != _me(actor)]
    return found[0] if found else None


async def reject(deps: Deps, call: Call, log_id: int, text: str) -> Result:
    """The reason typed: the entry is rejected and the post-holder told why (if they can be reached)."""
    actor, now, store, settings = call.actor, call.now, deps.store, deps.settings
    reason = " ".join(clean_text(text).split())
    if not reason:
        return Result.of(say("posts.review.ask_reason", id=log_id))
    reason = reason[:REASON_LIMIT]
    if await _own(actor, log_id, store):
        return Result.of(say("posts.review.own"))
    if await _reviewable(actor, log_id, store) is None:
        return Result.of(say("posts.review.gone", id=log_id))
    cat = await catalogue(store)

    def messages(entry: DutyLog) -> list[Outgoing]:
        return (
            []
            if holder is None or holder.telegram_id is None or not holder.active
            else [
                Outgoing(
                    key=f"duty:rejected:{entry.id}",
                    kind="alert",
                    chat_id=holder.telegram_id,
                    member_id=holder.id,
                    ref=f"duty:{entry.id}",
                    text=t(
                        to,
                        "posts.review.told_rejected",
                        id=entry.id,
                        post=cat.name(entry.post),
                        date=dates.day(to, entry.local_date),
                        reason=reason,
                    ),
                )
            ]
        )

    current = await store.duty.get(log_id)
    holder = await store.members.get(current.member_id) if current else None
    to = resolve_language(holder.language, None, settings.default_language) if holder else settings.default_language
    entry, queued = await store.duty.reject(log_id, _me(actor), iso(now), reason, messages)
    if entry is None:
        return Result.of(say("posts.review.gone", id=log_id))
    log.info("duty=%s rejected by telegram_id=%s", log_id, actor.telegram_id)
    return Result.of(
        say("posts.review.rejected", id=log_id, name=holder.name if holder else "", reason=reason), queued=queued
    )
