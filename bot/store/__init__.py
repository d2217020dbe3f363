"""Persistence: aiosqlite repositories over numbered SQL migrations. Knows nothing of Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.store.appraisal import AppraisalRepo
from bot.store.appraisal_year import YearRepo
from bot.store.care import CareRepo
from bot.store.committees import CommitteeRepo
from bot.store.conversations import ConversationRepo
from bot.store.db import Database
from bot.store.development import DevelopmentRepo
from bot.store.digest import DigestRepo
from bot.store.due import DueRepo
from bot.store.dues import DuesRepo
from bot.store.duty import DutyRepo
from bot.store.households import HouseholdRepo
from bot.store.households_requests import RequestRepo
from bot.store.invites import InviteRepo
from bot.store.members import MemberRepo
from bot.store.menus import MenuRepo
from bot.store.minutes import MinutesRepo
from bot.store.moving import MovingRepo
from bot.store.notices import NoticeRepo
from bot.store.notices_backfill import BackfillRepo
from bot.store.openness import OpennessRepo
from bot.store.outbox import OutboxRepo
from bot.store.reports import ReportRepo
from bot.store.rolls import RollRepo
from bot.store.transfers import TransfersRepo
from bot.store.units import UnitRepo
from bot.store.updates import UpdateRepo
from bot.store.work import UnitOfWork


class Store:
    """The repositories over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.units = UnitRepo(db)
        self.members = MemberRepo(db)
        self.invites = InviteRepo(db)
        self.updates = UpdateRepo(db)
        self.outbox = OutboxRepo(db)
        self.duty = DutyRepo(db)
        self.notices = NoticeRepo(db)
        self.reports = ReportRepo(db)
        self.rolls = RollRepo(db)
        self.due = DueRepo(db)
        self.conversations = ConversationRepo(db)
        self.digest = DigestRepo(db)
        self.households = HouseholdRepo(db)
        self.requests = RequestRepo(db)
        self.care = CareRepo(db)
        self.minutes = MinutesRepo(db)
        self.development = DevelopmentRepo(db)
        self.dues = DuesRepo(db)
        self.transfers = TransfersRepo(db)
        self.appraisal = AppraisalRepo(db)
        self.year = YearRepo(db)  # the branch's year, its second round (issue 26)
        self.committees = CommitteeRepo(db)
        self.backfill = BackfillRepo(db)
        self.openness = OpennessRepo(db)
        self.menus = MenuRepo(db)
        self.moving = MovingRepo(db)

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        return cls(await Database.open(path))

    async def close(self) -> None:
        await self.db.close()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """Writes over several repositories in one transaction (`bot.store.work`): all of them or none."""
        async with self.db.transaction() as conn:
            yield UnitOfWork(conn)
