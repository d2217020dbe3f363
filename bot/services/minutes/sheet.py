"""The ledger's 会议记录 sheet (issue 29): the minutes book an inspector reads beside the 三会一课台账 — each
meeting held, with its 主持人 and 记录人, 会议内容 as the secretary recorded it, and each 决议 with its 表决结果
(赞成, 反对, 弃权). A meeting held without minutes says so: an inspector must see the gap, not a blank. A
组织生活会 adds, below its 会议内容, whether the 民主评议 was held and each member's 批评和自我批评 (issue 26)."""

from __future__ import annotations

from collections import defaultdict
from contextlib import aclosing

from bot.services.kernel.xlsx_context import Ledger
from bot.services.notices.sheet import KindNames
from bot.store.minutes import ResolutionLine

MINUTES_COLUMNS = ("date", "kind", "unit", "topic", "host", "recorder", "content", "resolutions")


def resolution_text(ledger: Ledger, line: ResolutionLine) -> str:
    """`1. 同意…〔预备党员转正〕（赞成 7 票，反对 0 票，弃权 6 票，未通过）`: the kind when it is not 一般事项, and
    通过 / 未通过 as the record decided it when the resolution was saved (issue 23)."""
    r = line.resolution
    verdict = "" if r.passed is None else ledger.text("minutes.passed" if r.passed else "minutes.failed")
    kind = (
        "" if r.kind == "ordinary" else ledger.text("meetings.kind_tag", kind=ledger.text(f"resolution_kind.{r.kind}"))
    )
    return ledger.text(
        "minutes.resolution",
        number=line.seq,
        text=r.text + kind,
        yes=r.yes,
        no=r.no,
        abstain=r.abstain,
        verdict=verdict,
    )


async def _life_texts(ledger: Ledger) -> dict[int, str]:
    """A 组织生活会's 民主评议 and 批评和自我批评, per member who spoke, as written below its 会议内容."""
    lines: dict[int, list[str]] = defaultdict(list)
    async with aclosing(ledger.store.year.each_life_record(ledger.units)) as rows:
        async for notice_id, noted, said in rows:
            if notice_id not in lines:
                if noted is None:
                    lines[notice_id].append(ledger.text("minutes.appraisal_missing"))
                elif noted.held:
                    lines[notice_id].append(ledger.text("minutes.appraisal_held"))
                else:
                    lines[notice_id].append(ledger.text("minutes.appraisal_not", reason=noted.reason))
                if said is not None:
                    lines[notice_id].append(ledger.text("minutes.criticism_head"))
            if said is not None:
                received = ledger.text("minutes.received", text=said.received) if said.received else ""
                lines[notice_id].append(ledger.text("minutes.criticism", name=said.member_name, said=said.self_text))
                if received:
                    lines[notice_id].append(received)
    return {k: "\n".join(v) for k, v in lines.items()}


def _with_life(content: str | None, life: str | None) -> str | None:
    if life is None:
        return content
    return f"{content}\n\n{life}" if content else life


async def minutes_sheet(ledger: Ledger) -> None:
    """会议记录: every meeting held, oldest first, with its minutes and resolutions."""
    table = ledger.book.table(
        ledger.text("minutes.sheet"),
        ledger.headers("minutes", MINUTES_COLUMNS),
        widths={3: 20, 6: 48, 7: 40},
    )
    # A meeting has a few resolutions at most: all of the units' are held while the meetings stream by.
    resolutions: dict[int, list[str]] = defaultdict(list)
    async with aclosing(ledger.store.minutes.each_resolution(ledger.units)) as lines:
        async for line in lines:
            resolutions[line.notice_id].append(resolution_text(ledger, line))
    life = await _life_texts(ledger)
    names = KindNames(ledger.lang)
    unrecorded, none = ledger.text("minutes.unrecorded"), ledger.text("minutes.no_resolutions")
    async with aclosing(ledger.reads.each_held(ledger.now, ledger.units)) as meetings:
        async for n in meetings:
            ledger.seen(n.starts_at)
            recorded = n.content is not None
            table.row(
                [
                    n.starts_at,
                    names[n.kind],
                    ledger.unit(n.unit_id),
                    n.topic,
                    n.host,
                    n.recorder,
                    _with_life((n.content or None) if recorded else unrecorded, life.get(n.id)),
                    "\n".join(resolutions.get(n.id, ())) or (none if recorded else None),
                ]
            )
