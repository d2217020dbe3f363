"""`/appraisal` 民主评议党员: the secretary opens the year's 评议 with its dates (`/appraisal 开始 起 止`);
each member writes a 自评 (`/appraisal 自评 内容`); each member with 表决权 casts a secret 民主测评 ballot per
other member by buttons (`/appraisal 测评`), in the private chat only; the secretary records the 支委会's 评定
(`/appraisal 评定 姓名 | 等次 [| 限期改正日期]`) with the tallies beside it, and a 不合格 needs a 限期改正 date.

Secrecy: a press is counted and forgotten. The store keeps that a voter voted on a member (so a second vote is
refused) and, apart, one more count under a grade; no message, list, log or sheet names a voter with a grade,
and a member's tallies are shown only once `rules.MIN_SHOWN` ballots are in."""

from __future__ import annotations

from datetime import date

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, Result, alert, say, shown
from bot.i18n import Html, t
from bot.services.appraisal.buttons import Ballot
from bot.services.appraisal.common import MAX_TEXT, branch_members, branch_of, lang_of, named, reachable, split
from bot.services.appraisal.handin import VIEW_SELF_WORDS, Outcome, ask, say_kind, view
from bot.services.appraisal.rules import (
    FOLLOW_UP,
    Grade,
    future_day,
    is_open,
    may_vote,
    parse_date,
    parse_grade,
    shown_tally,
)
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.store.appraisal_rows import Appraisal
from bot.store.outbox import Outgoing

OPEN_WORDS = ("开始", "open")
SELF_WORDS = ("自评", "self")
VOTE_WORDS = ("测评", "vote")
RATE_WORDS = ("评定", "rate")


def _today(deps: Deps, call: Call) -> date:
    return call.now.astimezone(deps.tz).date()


async def appraisal_entry(deps: Deps, call: Call, text: str) -> Outcome:
    """`/appraisal` as the handler calls it: a 自评 handed in as a voice message or file is asked for
    (`/appraisal 自评` alone), the secretary looks at one (`/appraisal 看自评 姓名`); the rest is
    `appraisal_command`."""
    unit = branch_of(call.actor)
    head, _, rest = text.strip().partition(" ")
    if unit is not None and head in VIEW_SELF_WORDS:
        return await view(deps, call, "self", rest)
    if unit is not None and head in SELF_WORDS and not rest.strip():
        today = _today(deps, call)
        current = await deps.store.appraisal.appraisal(unit, today.year)
        if current is None:
            return Outcome(Result.of(say("appraisal.not_open", year=today.year)))
        if not is_open(current.starts_on, current.ends_on, today):
            return Outcome(
                Result.of(
                    say(
                        "appraisal.closed_now",
                        starts=dates.day(call.lang, current.starts_on),
                        ends=dates.day(call.lang, current.ends_on),
                    )
                )
            )
        return ask(call, "self", (unit, today.year, current.id))
    return Outcome(await appraisal_command(deps, call, text))


async def appraisal_command(deps: Deps, call: Call, text: str) -> Result:
    unit = branch_of(call.actor)
    if unit is None:
        return Result.of(say("appraisal.no_branch"))
    head, _, rest = text.strip().partition(" ")
    today = _today(deps, call)
    if head in OPEN_WORDS:
        return await open_year(deps, call, rest)
    current = await deps.store.appraisal.appraisal(unit, today.year)
    if head in RATE_WORDS:
        return await rate(deps, call, current, rest)
    if current is None:
        return Result.of(say("appraisal.not_open", year=today.year))
    if head in SELF_WORDS:
        return await write_self(deps, call, current, rest)
    if head in VOTE_WORDS:
        return Result.of(await next_ballot(deps, call, current))
    if head:
        return Result.of(say("appraisal.usage"))
    return Result.of(await overview(deps, call, current))


async def open_year(deps: Deps, call: Call, rest: str) -> Result:
    person, now, store, settings, today = call.actor, call.now, deps.store, deps.settings, _today(deps, call)
    unit = branch_of(person)
    if not person.is_secretary or unit is None:
        return Result.of(say("appraisal.secretary_only"))
    parts = rest.split()
    starts = future_day(parts[0], today) if parts else None
    ends = parse_date(parts[1]) if len(parts) > 1 else None
    if starts is None or ends is None or ends < starts or ends.year != starts.year or starts.year != today.year:
        return Result.of(say("appraisal.open_usage", year=today.year))
    assert person.member is not None
    members = await branch_members(store, unit)
    messages = [
        Outgoing(
            key=f"appraisal:open:{unit}:{today.year}:{m.id}",
            kind="appraisal",
            ref=f"appraisal:{unit}:{today.year}",
            member_id=m.id,
            chat_id=m.telegram_id,
            text=t(
                (theirs := lang_of(m, settings)),
                "appraisal.opened_notice",
                year=today.year,
                starts=dates.day(theirs, starts),
                ends=dates.day(theirs, ends),
            ),
        )
        for m in members
        if reachable(m) and m.id != person.member.id and m.telegram_id is not None
    ]
    opened = await store.appraisal.open_appraisal(unit, today.year, starts, ends, person.member.id, now, messages)
    if opened is None:
        return Result.of(say("appraisal.already_open", year=today.year))
    return Result.of(
        say(
            "appraisal.opened",
            year=today.year,
            starts=dates.day(call.lang, starts),
            ends=dates.day(call.lang, ends),
            count=len(members),
        ),
        queued=len(messages),
    )


async def write_self(deps: Deps, call: Call, current: Appraisal, text: str) -> Result:
    person, now, store, today = call.actor, call.now, deps.store, _today(deps, call)
    words = split(text)[0] if text.strip() else ""
    if not words:
        return Result.of(say("appraisal.self_usage"))
    if len(words) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    if not is_open(current.starts_on, current.ends_on, today):
        return Result.of(
            say(
                "appraisal.closed_now",
                starts=dates.day(call.lang, current.starts_on),
                ends=dates.day(call.lang, current.ends_on),
            )
        )
    assert person.member is not None
    await store.appraisal.save_self(current.id, person.member.id, words, now)
    return Result.of(say("appraisal.self_saved"))


def _voters(members: list[Member]) -> set[int]:
    return {m.id for m in members if m.votes}


async def next_ballot(deps: Deps, call: Call, current: Appraisal) -> Reply:
    """The next member this voter has not yet voted on, with the four grades as buttons."""
    person, store, lang, today = call.actor, deps.store, call.lang, _today(deps, call)
    if not is_open(current.starts_on, current.ends_on, today):
        return say(
            "appraisal.closed_now",
            starts=dates.day(call.lang, current.starts_on),
            ends=dates.day(call.lang, current.ends_on),
        )
    assert person.member is not None
    me = person.member.id
    members = await branch_members(store, current.unit_id)
    if me not in _voters(members):
        return say("appraisal.no_vote")
    done = await store.appraisal.voted_on(current.id, me)
    left = [m for m in members if m.id != me and m.id not in done]
    if not left:
        return say("appraisal.all_voted", count=len(done))
    subject = left[0]
    buttons = [
        [
            {"text": t(lang, f"appraisal.grade.{g.value}"), "data": Ballot(current.id, subject.id, g).pack()}
            for g in (Grade.EXCELLENT, Grade.QUALIFIED)
        ],
        [
            {"text": t(lang, f"appraisal.grade.{g.value}"), "data": Ballot(current.id, subject.id, g).pack()}
            for g in (Grade.BASIC, Grade.UNQUALIFIED)
        ],
    ]
    html = t(lang, "appraisal.ballot", name=subject.name, left=len(left), total=len(members) - 1)
    return shown(Html(html), buttons)


async def cast(deps: Deps, call: Call, pressed: Ballot) -> Result:
    """A ballot pressed: counted once, then the next ballot. Refused: a second vote, a vote on oneself, a voter
    without 表决权, a closed 评议, another branch's."""
    person, store, today = call.actor, deps.store, _today(deps, call)
    unit = branch_of(person)
    current = await store.appraisal.appraisal(unit, today.year) if unit is not None else None
    if current is None or current.id != pressed.appraisal_id or person.member is None:
        return Result.of(alert("appraisal.ballot_expired"))
    if not is_open(current.starts_on, current.ends_on, today):
        return Result.of(
            alert(
                "appraisal.closed_now",
                starts=dates.day(call.lang, current.starts_on),
                ends=dates.day(call.lang, current.ends_on),
            )
        )
    me = person.member.id
    if pressed.subject_id == me:
        return Result.of(alert("appraisal.self_vote"))
    members = await branch_members(store, current.unit_id)
    if not may_vote(me, pressed.subject_id, _voters(members), {m.id for m in members}):
        return Result.of(alert("appraisal.no_vote"))
    if not await store.appraisal.cast(current.id, me, pressed.subject_id, pressed.grade.value):
        return Result.of(alert("appraisal.voted_twice"))
    return Result.of(alert("appraisal.ballot_counted"), await next_ballot(deps, call, current))


def _tally_text(tally: dict[str, int], lang: str) -> str:
    counts = shown_tally(tally)
    if counts is None:
        return t(lang, "appraisal.tally_hidden", count=sum(tally.values()))
    return t(
        lang,
        "appraisal.tally",
        excellent=counts.get("excellent", 0),
        qualified=counts.get("qualified", 0),
        basic=counts.get("basic", 0),
        unqualified=counts.get("unqualified", 0),
    )


async def overview(deps: Deps, call: Call, current: Appraisal) -> Reply:
    """A member: their own 自评 and how many ballots they have left. The secretary: each member's 自评, tallies
    (only from MIN_SHOWN ballots) and 评定."""
    person, store, lang = call.actor, deps.store, call.lang
    assert person.member is not None
    me = person.member.id
    members = await branch_members(store, current.unit_id)
    selfs = await store.appraisal.selfs(current.id)
    files = {f.member_id: f.kind for f in await store.year.self_files(current.id)}
    head = t(
        lang,
        "appraisal.head",
        year=current.year,
        starts=dates.day(call.lang, current.starts_on),
        ends=dates.day(call.lang, current.ends_on),
    )
    if not person.is_secretary:
        done = await store.appraisal.voted_on(current.id, me)
        voter = me in _voters(members)
        lines = [
            head,
            t(lang, "appraisal.mine_self_done" if me in selfs else "appraisal.mine_self_missing"),
            t(lang, "appraisal.mine_votes", done=len(done), total=len(members) - 1)
            if voter
            else t(lang, "appraisal.no_vote"),
        ]
        return shown(Html("\n".join(lines)))
    tallies = await store.appraisal.tallies(current.id)
    ratings = await store.appraisal.ratings(current.id)
    lines = [head, ""]
    for m in members:
        rating = ratings.get(m.id)
        lines.append(
            t(
                lang,
                "appraisal.row",
                name=m.name,
                self=_self_state(lang, m.id in selfs, files.get(m.id)),
                tally=Html(_tally_text(tallies.get(m.id, {}), lang)),
                grade=t(lang, f"appraisal.grade.{rating.grade}") if rating else t(lang, "appraisal.not_rated"),
            )
        )
    lines += ["", t(lang, "appraisal.secretary_foot")]
    return shown(Html("\n".join(lines)))


def _self_state(lang: str, handed: bool, kind: str | None) -> str:
    """已交, 已交（语音）, 未交."""
    if kind is not None:
        return t(lang, "appraisal.self_yes_file", kind=say_kind(lang, kind))
    return t(lang, "appraisal.self_yes" if handed else "appraisal.self_no")


async def rate(deps: Deps, call: Call, current: Appraisal | None, rest: str) -> Result:
    """组织评定 as the 支委会 decided it: 不合格 needs a 限期改正 date, 基本合格 may have one; the member is told."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    today, unit = _today(deps, call), branch_of(call.actor)
    if not person.is_secretary or unit is None:
        return Result.of(say("appraisal.secretary_only"))
    if current is None:
        return Result.of(say("appraisal.not_open", year=today.year))
    fields = split(rest)
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return Result.of(say("appraisal.rate_usage"))
    grade = parse_grade(fields[1])
    if grade is None:
        return Result.of(say("appraisal.bad_grade", value=fields[1][:20]))
    correct_by = None
    if len(fields) > 2 and fields[2]:
        correct_by = future_day(fields[2], today)
        if correct_by is None:
            return Result.of(say("appraisal.bad_deadline", value=fields[2][:20], today=today.isoformat()))
    if grade is Grade.UNQUALIFIED and correct_by is None:
        return Result.of(say("appraisal.needs_deadline", name=fields[0][:40]))
    if grade not in FOLLOW_UP:
        correct_by = None
    found = named(await branch_members(store, unit), fields[0])
    if len(found) != 1:
        return Result.of(say("appraisal.unknown" if not found else "appraisal.ambiguous", name=fields[0][:40]))
    member = found[0]
    assert person.member is not None
    messages = []
    if reachable(member) and member.id != person.member.id and member.telegram_id is not None:
        mlang = lang_of(member, settings)
        words = t(mlang, f"appraisal.grade.{grade.value}")
        text = (
            t(
                mlang,
                "appraisal.rated_notice_follow",
                year=current.year,
                grade=words,
                day=dates.day_near(mlang, correct_by, today),
            )
            if correct_by is not None
            else t(mlang, "appraisal.rated_notice", year=current.year, grade=words)
        )
        messages.append(
            Outgoing(
                key=f"appraisal:rated:{current.id}:{member.id}:{grade.value}:{correct_by or ''}",
                kind="appraisal",
                ref=f"appraisal:{current.id}",
                member_id=member.id,
                chat_id=member.telegram_id,
                text=text,
            )
        )
    queued = await store.appraisal.rate(current.id, member.id, grade.value, correct_by, person.member.id, now, messages)
    tally = Html(_tally_text((await store.appraisal.tallies(current.id)).get(member.id, {}), lang))
    key = "appraisal.rated_follow" if correct_by is not None else "appraisal.rated"
    day = dates.day_near(lang, correct_by, today) if correct_by is not None else None
    return Result.of(
        say(key, name=member.name, grade=t(lang, f"appraisal.grade.{grade.value}"), tally=tally, day=day),
        queued=queued,
    )
