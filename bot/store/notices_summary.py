"""The secretary's summary of a broadcast, counted in SQL (issue 31): loading every delivery and expected member
to count them cost hundreds of MB and seconds of the event loop at 100 000 members."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database


def _ref(notice_id: int) -> str:
    return f"notice:{notice_id}"


@dataclass(frozen=True)
class SummaryFigures:
    """What a notice's summary tells its secretary (`NoticeRepo.summary_figures`)."""

    sent: int
    failed: list[str]
    uncertain: list[str]
    unregistered: list[str]
    group: list[str]  # the statuses of the bound group chat's deliveries, if any


class SummaryReads:
    db: Database

    async def summary_figures(self, notice_id: int) -> SummaryFigures:
        """What the secretary's summary says, counted in SQL: the members' deliveries sent, the names of those
        that failed or are uncertain (in delivery order; `?` for one not expected), the names of the expected
        members who were not linked (by id), and the group chat's delivery statuses."""
        ref = _ref(notice_id)
        sent = await self.db.fetchone(
            "SELECT count(*) FROM outbox WHERE ref = ? AND kind = 'notice' AND member_id IS NOT NULL "
            "AND status = 'sent'",
            (ref,),
        )
        troubled = await self.db.fetchall_tuples(
            "SELECT o.status, COALESCE(m.name, '?') FROM outbox o "
            "LEFT JOIN notice_members e ON e.notice_id = ? AND e.member_id = o.member_id "
            "LEFT JOIN members m ON m.id = e.member_id "
            "WHERE o.ref = ? AND o.kind = 'notice' AND o.member_id IS NOT NULL "
            "AND o.status IN ('failed', 'uncertain') ORDER BY o.id",
            (notice_id, ref),
        )
        unlinked = await self.db.fetchall_tuples(
            "SELECT m.name FROM notice_members e JOIN members m ON m.id = e.member_id "
            "WHERE e.notice_id = ? AND NOT e.linked ORDER BY m.id",
            (notice_id,),
        )
        group = await self.db.fetchall_tuples(
            "SELECT status FROM outbox WHERE ref = ? AND kind = 'notice' AND member_id IS NULL ORDER BY id", (ref,)
        )
        return SummaryFigures(
            sent=int(sent[0]) if sent else 0,
            failed=[str(r[1]) for r in troubled if r[0] == "failed"],
            uncertain=[str(r[1]) for r in troubled if r[0] == "uncertain"],
            unregistered=[str(r[0]) for r in unlinked],
            group=[str(r[0]) for r in group],
        )
