"""Typed records returned by the repositories."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class Unit(BaseModel):
    """A unit of the organisation: the community committee (社区党委), a branch (党支部) or a Party
    group (党小组)."""

    model_config = ConfigDict(frozen=True)

    id: int
    parent_id: int | None
    kind: str
    name: str
    chat_id: int | None = None


class Member(BaseModel):
    """A Party member (党员) as the roster and the bot know them."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    unit_id: int
    group_id: int | None = None
    category: str | None = None
    roles: frozenset[str] = frozenset()
    posts: frozenset[str] = frozenset()
    liaison_id: int | None = None
    report_cadence: str | None = None
    migrant_since: date | None = None
    mobile_recorded_at: str | None = None  # when the roster first said mobile (or the record was made)
    phone: str | None = None
    building: str | None = None
    telegram_id: int | None = None
    linked_at: str | None = None
    language: str | None = None
    unreachable: bool = False

    @property
    def linked(self) -> bool:
        return self.linked_at is not None and self.telegram_id is not None

    @property
    def is_secretary(self) -> bool:
        return "secretary" in self.roles

    @property
    def is_liaison(self) -> bool:
        return "liaison" in self.roles
