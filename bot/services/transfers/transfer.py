"""`/transfer` (组织关系转接): the 在途 list, one member's transfers, and each step recorded.

* `/transfer` lists the transfers not closed (在途) of the branches this person keeps, with what is due;
* `/transfer 姓名` shows one member's transfers with every step;
* `/transfer 转出 | 姓名 | 转往党组织 | 介绍信编号 | 开具日期 [| 有效期]` issues a 介绍信 (有效期: a last day,
  `2个月`, `30天`; three months when left out, and never more);
* `/transfer 转入 | 姓名 | 来自党组织 | 介绍信编号 | 收到日期 [| 党小组]` receives a member (placed in the group
  at once when it is given; a linked member is welcomed with it);
* `/transfer 接收 | 姓名 | 日期`, `/transfer 回执 | 姓名 | 日期`, `/transfer 编组 | 姓名 | 党小组 [| 日期]`,
  `/transfer 撤销 | 姓名 | 日期 [| 原因]` record the next step. A 转出 closed by its 回执 takes the member off
  the active roster (history kept). The list shows names, organisations and dates only."""

from __future__ import annotations

from datetime import date

from bot.domain.call import Call
from bot.domain.models import GROUP_KIND, Member
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import Html, t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.members import lookup
from bot.services.transfers import common, rules
from bot.services.transfers.rules import Direction, Step
from bot.store import Store
from bot.store.outbox import Outgoing
from bot.store.transfers import Change, Letter, Transfer

Scope = tuple[OrgTree, set[int]]


async def transfer_command(deps: Deps, call: Call, text: str) -> Result:
    """`/transfer` and its forms (the module's docstring)."""
    today = call.now.astimezone(deps.tz).date()
    scope = await lookup.scope(call.actor, deps.store)
    tree, units = scope
    text = text.strip()
    if not text:
        opened = await deps.store.transfers.in_units(units, open_only=True)
        return Result.of(shown(listing(opened, tree, today, call.lang)))
    fields = common.split(text)
    action = rules.ACTION_WORDS.get(fields[0].lower())
    if len(fields) == 1 and action is not None:
        return Result.of(say(f"transfers.usage_{action}" if action not in ("out", "in") else "transfers.usage"))
    if len(fields) == 1:
        return await show_member(deps, call, scope, fields[0])
    if action is None:
        return Result.of(say("transfers.bad_action", value=fields[0][:20]))
    if action == "out":
        return await issue(deps, call, scope, fields[1:])
    if action == "in":
        return await receive(deps, call, scope, fields[1:])
    return await step(deps, call, scope, fields)


def _due_text(transfer: Transfer, today: date, lang: str) -> str:
    return "；".join(
        t(lang, f"transfers.timer.{d.timer.value}", day=dates.day_near(lang, d.day, today))
        for d in rules.due(common.record_of(transfer), today)
    )


def _line(tr: Transfer, tree: OrgTree, lang: str, today: date) -> str:
    """One transfer; its letter's days with their year when not this year's (a letter of December read in
    January)."""
    return t(
        lang,
        f"transfers.line_{tr.direction}",
        name=tr.name,
        unit=tree.name(tr.unit_id),
        org=tr.other_org,
        letter=tr.letter_no,
        issued=dates.day_near(lang, tr.issued, today),
        until=dates.day_near(lang, tr.valid_until, today),
        state=t(lang, f"transfers.state.{tr.state}"),
    )


def listing(transfers: list[Transfer], tree: OrgTree, today: date, lang: str) -> str:
    """在途: each open transfer with what is due. Names, organisations, letter numbers and dates only; how to see
    one."""
    if not transfers:
        return t(lang, "transfers.list_empty")
    return "\n".join([*reading(transfers, tree, today, lang).split("\n"), t(lang, "transfers.list_foot")])


def reading(transfers: list[Transfer], tree: OrgTree, today: date, lang: str) -> str:
    """The listing for a reader from above (/overview): without the hint to /transfer they cannot use."""
    if not transfers:
        return t(lang, "transfers.list_empty")
    lines = [t(lang, "transfers.list_head", count=len(transfers))]
    for tr in transfers:
        lines.append(_line(tr, tree, lang, today))
        due = _due_text(tr, today, lang)
        if due:
            lines.append(t(lang, "transfers.list_due", due=Html(due)))
    return "\n".join(lines)


def history(transfers: list[Transfer], tree: OrgTree, today: date, lang: str) -> list[str]:
    """Each transfer of one member with its steps (the member file shows these too)."""
    lines: list[str] = []
    for tr in transfers:
        lines.append(_line(tr, tree, lang, today))
        for s in tr.steps:
            lines.append(
                t(
                    lang,
                    "transfers.step_line",
                    day=dates.day_near(lang, s.on, today),
                    step=t(lang, f"transfers.step.{s.step}"),
                    note=f"：{s.note}" if s.note else "",
                    by=s.recorded_by_name or "—",
                )
            )
        due = _due_text(tr, today, lang)
        if due:
            lines.append(t(lang, "transfers.list_due", due=Html(due)))
    return lines


async def _members(store: Store, scope: Scope, raw: str, inactive: bool) -> list[Member]:
    tree, units = scope
    name, branch = lookup.who(raw)
    if branch:
        units = units & {u.id for u in tree.find(branch)}
    return [m for m in await store.members.named(clean_text(name), include_inactive=inactive) if m.unit_id in units]


async def show_member(deps: Deps, call: Call, scope: Scope, raw: str) -> Result:
    tree, store, lang = scope[0], deps.store, call.lang
    today = call.now.astimezone(deps.tz).date()
    name = lookup.who(raw)[0][: common.MAX_NAME]
    found = await _members(store, scope, raw, True)
    if len(found) != 1:
        return Result.of(say("transfers.ambiguous" if found else "transfers.unknown", name=name))
    transfers = await store.transfers.of_member(found[0].id)
    if not transfers:
        return Result.of(say("transfers.none", name=name))
    head = t(lang, "transfers.one_head", name=found[0].name, unit=tree.name(found[0].unit_id))
    return Result.of(shown("\n".join([head, *history(transfers, tree, today, lang)])))


def _check_letter(org: str, letter: str) -> str | None:
    if not org or not letter:
        return "transfers.usage"
    if len(org) > common.MAX_ORG or len(letter) > common.MAX_LETTER:
        return "transfers.too_long"
    return None


async def issue(deps: Deps, call: Call, scope: Scope, fields: list[str]) -> Result:
    """转出: the member of these branches, where to, the letter's number, its day and 有效期."""
    store = deps.store
    today = call.now.astimezone(deps.tz).date()
    if len(fields) < 4:
        return Result.of(say("transfers.usage_out"))
    raw, org, letter, raw_day = fields[:4]
    wrong = _check_letter(org, letter)
    if wrong is not None:
        return Result.of(say(wrong if wrong != "transfers.usage" else "transfers.usage_out", limit=common.MAX_ORG))
    issued = common.parse_day(raw_day)
    if issued is None:
        return Result.of(say("transfers.bad_day", value=raw_day[:20]))
    if issued > today:
        return Result.of(say("transfers.rule.future"))
    until = common.valid_until(fields[4] if len(fields) > 4 else "", issued)
    if until is None:
        return Result.of(say("transfers.bad_validity", value=fields[4][:20]))
    refusal = validity_refusal(issued, until, call.lang, today)
    if refusal is not None:
        return Result.of(refusal)
    found = await _members(store, scope, raw, False)
    name = lookup.who(raw)[0][: common.MAX_NAME]
    if len(found) != 1:
        return Result.of(say("transfers.ambiguous" if found else "transfers.unknown", name=name))
    return await open_out(deps, call, found[0], Letter(org, letter, issued, until))


def validity_refusal(issued: date, until: date, lang: str, today: date) -> Reply | None:
    """The answer when a 介绍信's 有效期 is not allowed (before its day, or over three months), else None."""
    if rules.validity_allowed(issued, until):
        return None
    limit = rules.letter_valid_until(issued)
    return say("transfers.rule.validity", day=dates.day_near(lang, limit, today), months=rules.LETTER_MONTHS)


async def open_out(deps: Deps, call: Call, member: Member, letter: Letter) -> Result:
    """The 转出 recorded, its letter checked already: by `/transfer 转出` and by the reminder's 「办理转出」. A
    member with a transfer open gets no second one (`transfers.issue` refuses it in its transaction)."""
    person = call.actor
    by = person.member.id if person.member is not None else None
    made = await deps.store.transfers.issue(member.id, member.unit_id, letter, by, call.now)
    if made is None:
        return Result.of(say("transfers.already_open", name=member.name))
    today = call.now.astimezone(deps.tz).date()
    return Result.of(
        say(
            "transfers.issued",
            name=member.name,
            org=letter.other_org,
            letter=letter.letter_no,
            issued=dates.day_near(call.lang, letter.issued, today),
            until=dates.day_near(call.lang, letter.valid_until, today),
        )
    )


def _group(raw: str, unit_id: int, tree: OrgTree) -> int | None:
    found = [u.id for u in tree.find(raw, tree.subtree(unit_id)) if u.kind == GROUP_KIND and u.parent_id == unit_id]
    return found[0] if len(found) == 1 else None


def _unit_for(person: Actor, branch: str, tree: OrgTree, units: set[int]) -> int | None:
    if branch:
        named = [u.id for u in tree.find(branch) if u.id in units and u.kind != GROUP_KIND]
        return named[0] if len(named) == 1 else None
    if person.member is not None and person.member.unit_id in units:
        return person.member.unit_id
    return None


async def receive(deps: Deps, call: Call, scope: Scope, fields: list[str]) -> Result:
    """转入: a member received into one of these branches, placed in a Party group when it is named."""
    person, now, store, settings = call.actor, call.now, deps.store, deps.settings
    tree, units = scope
    today = now.astimezone(deps.tz).date()
    if len(fields) < 4:
        return Result.of(say("transfers.usage_in"))
    raw, org, letter, raw_day = fields[:4]
    wrong = _check_letter(org, letter)
    if wrong is not None:
        return Result.of(say(wrong if wrong != "transfers.usage" else "transfers.usage_in", limit=common.MAX_ORG))
    received = common.parse_day(raw_day)
    if received is None:
        return Result.of(say("transfers.bad_day", value=raw_day[:20]))
    if received > today:
        return Result.of(say("transfers.rule.future"))
    name, branch = lookup.who(raw)
    if not name or len(name) > common.MAX_NAME:
        return Result.of(say("transfers.usage_in"))
    unit = _unit_for(person, branch, tree, units)
    if unit is None:
        return Result.of(say("transfers.need_branch", name=name))
    group = None
    raw_group = fields[4] if len(fields) > 4 else ""
    if raw_group:
        group = _group(raw_group, unit, tree)
        if group is None:
            return Result.of(say("transfers.bad_group", value=raw_group[:20], unit=tree.name(unit)))
    known = [m for m in await store.members.named(clean_text(name), include_inactive=True) if m.unit_id == unit]
    messages = []
    member = known[0] if known else None
    if group is not None and member is not None and member.linked and member.telegram_id is not None:
        theirs = member.language if member.language in ("zh", "en") else settings.default_language
        messages.append(
            Outgoing(
                key=f"transfers:welcome:{member.id}:{received.isoformat()}",
                kind="notice",
                ref=f"transfers:{member.id}",
                member_id=member.id,
                chat_id=member.telegram_id,
                text=t(theirs, "transfers.welcome", unit=tree.name(unit), group=tree.name(group)),
            )
        )
    by = person.member.id if person.member is not None else None
    made = await store.transfers.receive(
        unit, name, group, Letter(org, letter, received, received), received, by, now, messages
    )
    if made is None:
        return Result.of(say("transfers.already_open", name=name))
    key = "transfers.received_placed" if group is not None else "transfers.received_unplaced"
    return Result.of(
        say(
            key,
            name=name,
            unit=tree.name(unit),
            group=tree.name(group),
            org=org,
            day=dates.day_near(call.lang, received, today),
        ),
        queued=len(messages),
    )


async def step(deps: Deps, call: Call, scope: Scope, line: list[str]) -> Result:
    """接收, 回执, 编组, 撤销 on the member's open transfer (`line`: the action word, then its fields)."""
    person, now, store = call.actor, call.now, deps.store
    tree = scope[0]
    today = now.astimezone(deps.tz).date()
    action, fields = Step(rules.ACTION_WORDS[line[0].lower()]), line[1:]
    example = f"transfers.usage_{action.value}"
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return Result.of(say(example))
    raw = fields[0]
    name = lookup.who(raw)[0][: common.MAX_NAME]
    found = await _members(store, scope, raw, False)
    if len(found) != 1:
        return Result.of(say("transfers.ambiguous" if found else "transfers.unknown", name=name))
    member = found[0]
    open_ = [tr for tr in await store.transfers.of_member(member.id) if tr.state == "open"]
    if not open_:
        return Result.of(say("transfers.no_open", name=member.name))
    transfer = open_[0]
    group = None
    if action is Step.PLACE:
        group = _group(fields[1], member.unit_id, tree)
        if group is None:
            return Result.of(say("transfers.bad_group", value=fields[1][:20], unit=tree.name(member.unit_id)))
        raw_day = fields[2] if len(fields) > 2 else ""
        on = common.parse_day(raw_day) if raw_day else today
        note = tree.name(group)
    else:
        raw_day = fields[1]
        on = common.parse_day(raw_day)
        note = fields[2] if len(fields) > 2 else ""
    if on is None:
        return Result.of(say("transfers.bad_day", value=raw_day[:20]))
    if len(note) > common.MAX_NOTE:
        return Result.of(say("transfers.too_long", limit=common.MAX_NOTE))
    record = common.record_of(transfer)
    refusal = rules.check(record, action, on, today)
    if refusal is not None:
        return Result.of(say(f"transfers.rule.{refusal}", name=member.name))
    after = rules.Record(
        record.direction,
        record.issued,
        record.valid_until,
        on if action is Step.RECEIVED else record.received,
        on if action is Step.RECEIPT else record.receipt,
        on if action is Step.PLACE else record.placed,
        action is Step.CANCEL,
    )
    by = person.member.id if person.member is not None else None
    if not await store.transfers.record(transfer, Change(action.value, on, note, after.state.value, group), by, now):
        return Result.of(say("transfers.changed"))
    if after.state is rules.State.CLOSED and record.direction is Direction.OUT:
        return Result.of(
            say(
                "transfers.closed_out",
                name=member.name,
                day=dates.day_near(call.lang, on, today),
                org=transfer.other_org,
            )
        )
    return Result.of(
        say(
            f"transfers.recorded_{action.value}",
            name=member.name,
            day=dates.day_near(call.lang, on, today),
            group=tree.name(group),
        )
    )
