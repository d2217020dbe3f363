"""Typed records returned by the repositories."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

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
    active: bool = True  # False once a roster import deactivated them (left the roster): history only
    deactivated_at: str | None = None

    @property
    def linked(self) -> bool:
        return self.linked_at is not None and self.telegram_id is not None

    @property
    def is_secretary(self) -> bool:
        return "secretary" in self.roles

    @property
    def is_liaison(self) -> bool:
        return "liaison" in self.roles


class RosterRecord(BaseModel):
    """What the roster says of one member, with their unit and group resolved: what an import writes."""

    model_config = ConfigDict(frozen=True)

    name: str
    unit_id: int
    group_id: int | None = None
    category: str | None = None
    report_cadence: str | None = None
    migrant_since: date | None = None
    phone: str | None = None
    building: str | None = None
    telegram_id: int | None = None
    roles: frozenset[str] = frozenset()
    posts: frozenset[str] = frozenset()


class Change(StrEnum):
    """What an import did to one member."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class RosterEntry(BaseModel):
    """A member as the roster import matches them: by unit and name; `active` or left the roster."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    unit_id: int
    group_id: int | None = None
    telegram_id: int | None = None
    active: bool = True
