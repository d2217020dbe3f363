"""The workbook's sheets of members who move (issue 27):

* 组织关系转接登记 — every transfer of the units, 转出 and 转入: the member, the other organisation, the letter's
  number, its day and 有效期, 接收, 回执, 编入党小组, the state;
* 流动党员和外来党员登记 — each 流动党员 (外出时间, 流入地, 流入地党组织 and its contact, the 流动党员活动证) and each
  外来党员 or member whose relation is elsewhere (原党组织 and its contact, since when here), with their liaison;
* 在职党员到社区报到 — the year's 报到 and activities of the members whose relation is elsewhere: the yearly 反馈 for
  their employer's Party organisation;
* 党员学习培训学时统计 — each member's 学时 of the year against STUDY_HOURS_REQUIRED.

Never a 身份证号: the reads used here leave it out."""

from __future__ import annotations

from datetime import date

from bot.domain.models import Member
from bot.services.kernel.deps import Deps
from bot.services.kernel.xlsx_context import Ledger
from bot.services.transfers.study import hours_of
from bot.services.transfers.study_rules import figure, short

TRANSFER_COLUMNS = (
    "direction",
    "name",
    "branch",
    "org",
    "letter",
    "issued",
    "until",
    "received",
    "receipt",
    "group",
    "state",
)
MOBILE_COLUMNS = ("name", "branch", "kind", "since", "place", "org", "contact", "card", "card_until", "liaison")
SERVE_COLUMNS = ("name", "branch", "home", "day", "kind", "what", "hours")
STUDY_COLUMNS = ("name", "branch", "meetings", "other", "total", "met")


def _day_cell(kept: str | None) -> date | str | None:
    """A day the roster keeps as text (`2027-07-31`) as a date cell, printed like every other day of the sheet
    (2027年7月31日); anything else as it was typed."""
    try:
        return date.fromisoformat(kept) if kept else None
    except ValueError:
        return kept


async def _members(ledger: Ledger) -> list[Member]:
    if ledger.units is None:
        return [m for m in await ledger.store.members.all() if m.active]
    return await ledger.store.members.in_units(ledger.units)


async def transfers_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(
        ledger.text("transfers.sheet"), ledger.headers("transfers", TRANSFER_COLUMNS), widths={3: 26}
    )
    for tr in await ledger.store.transfers.in_units(ledger.units):
        ledger.seen(tr.issued)
        table.row(
            [
                ledger.text(f"transfers.direction.{tr.direction}"),
                tr.name,
                ledger.unit(tr.unit_id) or None,
                tr.other_org,
                tr.letter_no,
                tr.issued,
                tr.valid_until if tr.direction == "out" else None,
                tr.received if tr.direction == "out" else None,
                tr.receipt,
                ledger.unit(tr.group_id) or None,
                ledger.text(f"transfers.state.{tr.state}"),
            ]
        )


async def mobile_register_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(
        ledger.text("inflow.sheet"), ledger.headers("inflow", MOBILE_COLUMNS), widths={4: 18, 5: 22, 6: 18}
    )
    members = await _members(ledger)
    details = await ledger.store.moving.details_of([m.id for m in members])
    names = {m.id: m.name for m in members}
    for m in members:
        d = details.get(m.id, {})
        outgoing = m.category == "migrant" or bool(d.get("inflow_place") or d.get("card_no"))
        incoming = m.category == "incoming" or m.relation != "here"
        liaison = names.get(m.liaison_id) if m.liaison_id is not None else None
        if outgoing:
            ledger.seen(m.migrant_since)
            table.row(
                [
                    m.name,
                    ledger.unit(m.unit_id) or None,
                    ledger.text("inflow.kind.out"),
                    m.migrant_since,
                    d.get("inflow_place"),
                    d.get("inflow_org"),
                    d.get("inflow_contact"),
                    d.get("card_no"),
                    _day_cell(d.get("card_until")),
                    liaison,
                ]
            )
        if incoming:
            table.row(
                [
                    m.name,
                    ledger.unit(m.unit_id) or None,
                    ledger.text("inflow.kind.in"),
                    _day_cell(d.get("arrived")),
                    ledger.unit(m.group_id) or None,
                    m.note,
                    d.get("home_contact"),
                    None,
                    None,
                    liaison,
                ]
            )


async def serve_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(ledger.text("serve.sheet"), ledger.headers("serve", SERVE_COLUMNS), widths={5: 36})
    members = [m for m in await _members(ledger) if m.relation != "here"]
    by_id = {m.id: m for m in members}
    year = ledger.year
    for s in await ledger.store.moving.service(list(by_id), date(year, 1, 1), date(year, 12, 31)):
        ledger.seen(s.on)
        m = by_id[s.member_id]
        table.row(
            [
                m.name,
                ledger.unit(m.unit_id) or None,
                m.note,
                s.on,
                ledger.text(f"serve.kind.{s.kind}"),
                s.what,
                figure(s.hours) if s.kind == "activity" else None,
            ]
        )


async def study_sheet(ledger: Ledger) -> None:
    required = ledger.settings.study_hours_required
    table = ledger.book.table(ledger.text("study.sheet"), ledger.headers("study", STUDY_COLUMNS), widths={0: 14})
    members = await _members(ledger)
    lines = await hours_of(Deps(ledger.store, ledger.settings), [m.id for m in members], ledger.year)
    yes, no = ledger.text("yes"), ledger.text("no")
    for m in members:
        mine = lines[m.id]
        meetings = sum(x.hours for x in mine if x.meeting)
        other = sum(x.hours for x in mine if not x.meeting)
        for x in mine:
            ledger.seen(x.on)
        table.row(
            [
                m.name,
                ledger.unit(m.unit_id) or None,
                figure(meetings),
                figure(other),
                figure(meetings + other),
                no if short(meetings + other, required) else yes,
            ]
        )
