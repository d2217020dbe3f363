"""Writes that span repositories, committed together: `async with store.unit_of_work() as uow:`.

A unit of work is one `Database.transaction()` (BEGIN IMMEDIATE, the update's applied-once mark, COMMIT; a
ROLLBACK on any error, so an exception raised inside the block writes nothing). Its attributes are the
writes that may be combined — the units and members of a roster import, the households of a household
import, a visit with the request it raised — each bound to the transaction's connection, which never
leaves `bot/store/`. A write that needs nothing else is a repository method with a transaction of its own.
"""

from __future__ import annotations

import aiosqlite

from bot.store.development import DevelopmentWrites
from bot.store.dues import DuesWrites
from bot.store.households import HouseholdWrites
from bot.store.households_requests import RequestWrites
from bot.store.members_roster import RosterWrites
from bot.store.units import UnitWrites


class UnitOfWork:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.units = UnitWrites(conn)
        self.members = RosterWrites(conn)
        self.households = HouseholdWrites(conn)
        self.requests = RequestWrites(conn)
        self.development = DevelopmentWrites(conn)  # 发展党员 rows of the roster (issue 24)
        self.dues = DuesWrites(conn)  # the roster's 党费 columns (issue 25)
