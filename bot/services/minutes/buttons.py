"""/minutes: the button payloads of minutes from the record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload
from bot.domain.resolutions import ResolutionKind
from bot.services.minutes.rules import MinutesRole

MINUTES = "min"


@dataclass(frozen=True)
class MinutesPerson(Payload):
    """/minutes: a member present chosen as 主持人 (`role` host) or 记录人 (recorder)."""

    PREFIX: ClassVar[str] = "min:who"
    notice_id: int
    role: MinutesRole
    member_id: int


@dataclass(frozen=True)
class MinutesAdd(Payload):
    """/minutes: 添加决议."""

    PREFIX: ClassVar[str] = "min:add"
    notice_id: int


@dataclass(frozen=True)
class MinutesDone(Payload):
    """/minutes: 完成 (no more resolutions): the preview."""

    PREFIX: ClassVar[str] = "min:done"
    notice_id: int


@dataclass(frozen=True)
class MinutesSave(Payload):
    """/minutes preview: 保存."""

    PREFIX: ClassVar[str] = "min:save"
    notice_id: int


@dataclass(frozen=True)
class MinutesDrop(Payload):
    """/minutes preview: 不保存."""

    PREFIX: ClassVar[str] = "min:drop"
    notice_id: int


@dataclass(frozen=True)
class MinutesRedo(Payload):
    """Saved minutes shown: 重新填写."""

    PREFIX: ClassVar[str] = "min:redo"
    notice_id: int


@dataclass(frozen=True)
class MinutesKind(Payload):
    """/minutes: the kind of the resolution being added (一般事项, 接收预备党员, 转正, 选举, 处分)."""

    PREFIX: ClassVar[str] = "min:kind"
    notice_id: int
    kind: ResolutionKind


@dataclass(frozen=True)
class MinutesNoWritten(Payload):
    """/minutes: no written opinions (书面意见) for this resolution."""

    PREFIX: ClassVar[str] = "min:nowr"
    notice_id: int


@dataclass(frozen=True)
class MinutesContentDone(Payload):
    """/minutes: 内容写完了 (会议内容 was written in as many messages as needed; issue 23)."""

    PREFIX: ClassVar[str] = "min:cdone"
    notice_id: int
