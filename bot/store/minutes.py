"""A meeting's minutes (会议记录) as fields: 主持人, 记录人, 会议内容, the resolutions (决议) with their votes, who
saved them and when. `notices.minutes` keeps the content too, written in the same transaction (the
/attendance ledger and older readers show it)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.db import Database, iso


@dataclass(frozen=True)
class Resolution:
    """One 决议 and its vote: 赞成 `yes`, 反对 `no`, 弃权 `abstain`; its kind (`bot.domain.resolutions.KINDS`), the
    written opinions (书面意见) counted with the votes, and the outcome computed when it was saved: `passed`
    against `rule`, more than half of `base`, at least `needed` 赞成 (None for a resolution not yet judged)."""

    text: str
    yes: int
    no: int
    abstain: int
    kind: str = "ordinary"
    written_yes: int = 0
    written_no: int = 0
    written_abstain: int = 0
    passed: bool | None = None
    rule: str | None = None
    base: int | None = None
    needed: int | None = None


@dataclass(frozen=True)
class Minutes:
    notice_id: int
    host: str | None
    recorder: str | None
    content: str
    saved_by: str | None  # the member who saved them, by name (None for minutes kept before issue 13)
    saved_at: datetime
    resolutions: tuple[Resolution, ...]
    voice_file_id: str | None = None  # a voice message recorded with 会议内容 (issue 23)
    voice_seconds: int | None = None


@dataclass(frozen=True)
class ResolutionLine:
    """One resolution of one meeting, for `resolutions.csv` (`kind` is the meeting's type, `resolution` the
    resolution with its kind and outcome)."""

    notice_id: int
    kind: str
    unit_id: int
    starts_at: datetime
    seq: int
    resolution: Resolution


_COLUMNS = "text, yes, no, abstain, kind, written_yes, written_no, written_abstain, passed, rule, base, needed"


def _resolution(r: Any) -> Resolution:
    passed = r["passed"]
    return Resolution(
        r["text"],
        r["yes"],
        r["no"],
        r["abstain"],
        r["kind"],
        r["written_yes"],
        r["written_no"],
        r["written_abstain"],
        None if passed is None else bool(passed),
        r["rule"],
        r["base"],
        r["needed"],
    )


class MinutesRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, notice_id: int) -> Minutes | None:
        row = await self.db.fetchone(
            "SELECT m.*, s.name AS saver FROM minutes m LEFT JOIN members s ON s.id = m.saved_by WHERE m.notice_id = ?",
            (notice_id,),
        )
        if row is None:
            return None
        found = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM minute_resolutions WHERE notice_id = ? ORDER BY seq", (notice_id,)
        )
        return Minutes(
            notice_id,
            row["host"],
            row["recorder"],
            row["content"],
            row["saver"],
            datetime.fromisoformat(row["saved_at"]),
            tuple(_resolution(r) for r in found),
            row["voice_file_id"],
            row["voice_seconds"],
        )

    async def save(
        self,
        notice_id: int,
        host: str | None,
        recorder: str | None,
        content: str,
        resolutions: Sequence[Resolution],
        by: int | None,
        now: datetime,
        voice: tuple[str, int] | None = None,
    ) -> None:
        """Replace the meeting's minutes (and their resolutions) as a whole, in one transaction; `voice` is the
        file id and length of a voice message recorded with 会议内容."""
        voice_id, seconds = voice if voice is not None else (None, None)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO minutes (notice_id, host, recorder, content, saved_by, saved_at, voice_file_id, "
                "voice_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (notice_id) DO UPDATE SET "
                "host = excluded.host, recorder = excluded.recorder, content = excluded.content, "
                "saved_by = excluded.saved_by, saved_at = excluded.saved_at, voice_file_id = excluded.voice_file_id, "
                "voice_seconds = excluded.voice_seconds",
                (notice_id, host, recorder, content, by, iso(now), voice_id, seconds),
            )
            await conn.execute("DELETE FROM minute_resolutions WHERE notice_id = ?", (notice_id,))
            await conn.executemany(
                f"INSERT INTO minute_resolutions (notice_id, seq, {_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        notice_id,
                        seq,
                        r.text,
                        r.yes,
                        r.no,
                        r.abstain,
                        r.kind,
                        r.written_yes,
                        r.written_no,
                        r.written_abstain,
                        None if r.passed is None else int(r.passed),
                        r.rule,
                        r.base,
                        r.needed,
                    )
                    for seq, r in enumerate(resolutions, 1)
                ],
            )
            await conn.execute(
                "UPDATE notices SET minutes = ?, minutes_at = ? WHERE id = ?", (content, iso(now), notice_id)
            )

    async def set_content(self, notice_id: int, content: str, by: int | None, now: datetime) -> None:
        """The quick note (`/minutes ID | text`): only 会议内容 changes; host, recorder and resolutions stay."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO minutes (notice_id, content, saved_by, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (notice_id) DO UPDATE SET content = excluded.content, saved_by = excluded.saved_by, "
                "saved_at = excluded.saved_at",
                (notice_id, content, by, iso(now)),
            )
            await conn.execute(
                "UPDATE notices SET minutes = ?, minutes_at = ? WHERE id = ?", (content, iso(now), notice_id)
            )

    async def each_resolution(self, units: Collection[int] | None = None) -> AsyncGenerator[ResolutionLine, None]:
        """Every resolution of the meetings of these units (all when None), by meeting and order: streamed."""
        where: str = ""
        params: tuple[object, ...] = ()
        if units is not None:
            ids = tuple(sorted(set(units))) or (-1,)
            where, params = f"WHERE n.unit_id IN ({','.join('?' * len(ids))})", ids
        columns = ", ".join(f"r.{c.strip()}" for c in _COLUMNS.split(","))
        async for r in self.db.stream(
            f"SELECT n.id, n.kind AS meeting_kind, n.unit_id, n.starts_at, r.seq, {columns} "
            f"FROM minute_resolutions r JOIN notices n ON n.id = r.notice_id {where} "
            "ORDER BY r.notice_id, r.seq",
            params,
        ):
            yield ResolutionLine(
                r["id"],
                r["meeting_kind"],
                r["unit_id"],
                datetime.fromisoformat(r["starts_at"]),
                r["seq"],
                _resolution(r),
            )
