"""The commands of the bot and who may use them: one table for /help and the Telegram menu."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.domain.models import Member
from bot.domain.rights import Actor, Capability, is_admin


@dataclass(frozen=True)
class Command:
    name: str
    capability: Capability
    private: bool = False  # concerns personal records: answered only in the private chat


COMMANDS: tuple[Command, ...] = (
    Command("start", Capability.ANYONE),
    Command("help", Capability.ANYONE),
    Command("lang", Capability.ANYONE),
    Command("cancel", Capability.ANYONE),
    Command("invite", Capability.SECRETARY, private=True),
    Command("notice", Capability.CONVENER, private=True),
    Command("notices", Capability.MEMBER, private=True),
    Command("attendance", Capability.CONVENER, private=True),  # a group leader: their 党小组会
    Command("checkin", Capability.MEMBER, private=True),  # 签到码 (issue 23)
    Command("venue", Capability.SECRETARY, private=True),  # 会场位置
    Command("backfill", Capability.CONVENER, private=True),  # 补录 a meeting held on paper (issue 23)
    Command("committee", Capability.SECRETARY, private=True),  # 委员会组成 (issue 23)
    Command("term", Capability.SECRETARY, private=True),  # 任期
    Command("cancelnotice", Capability.SECRETARY, private=True),
    Command("minutes", Capability.CONVENER, private=True),  # a group leader: their 党小组会
    Command("ledger", Capability.READER, private=True),  # 三会一课台账: a secretary's, or a reader's from above
    Command("bindgroup", Capability.SECRETARY),
    Command("unbindgroup", Capability.SECRETARY),
    Command("patrol", Capability.PATROL, private=True),
    Command("mediate", Capability.MEDIATION, private=True),
    Command("duty", Capability.POST, private=True),
    Command("dutyreport", Capability.SECRETARY, private=True),
    Command("posts", Capability.SECRETARY, private=True),
    Command("log", Capability.POST, private=True),
    Command("claim", Capability.MEMBER, private=True),
    Command("review", Capability.REVIEWER, private=True),
    Command("account", Capability.POST, private=True),
    Command("accounts", Capability.COMMITTEE, private=True),  # 支委 see their unit's, to rate
    Command("rate", Capability.COMMITTEE, private=True),  # each 支委会 member rates; the majority decides
    Command("publicity", Capability.SECRETARY, private=True),
    Command("status", Capability.MEMBER, private=True),
    Command("report", Capability.MEMBER, private=True),
    Command("reports", Capability.LEADER, private=True),
    Command("contact", Capability.LIAISON, private=True),
    Command("members", Capability.SECRETARY, private=True),
    Command("export", Capability.READER, private=True),  # a reader from above: the 台账 without private sheets
    Command("overview", Capability.READER, private=True),  # 总览: each branch's figures and what is overdue
    Command("households", Capability.MEMBER, private=True),
    Command("visit", Capability.MEMBER, private=True),
    Command("request", Capability.MEMBER, private=True),
    Command("requests", Capability.MEMBER, private=True),
    Command("care", Capability.SECRETARY, private=True),
    Command("development", Capability.ORGANISER, private=True),  # 发展党员
    Command("transfer", Capability.ORGANISER, private=True),  # 组织关系转接
    Command("member", Capability.SECRETARY, private=True),  # 党员档案
    Command("study", Capability.MEMBER, private=True),  # 学时: one's own; a secretary or 组织委员 their branches'
    Command("serve", Capability.MEMBER, private=True),  # 在职党员到社区报到; a secretary sees who reported
    Command("carevisit", Capability.MEMBER, private=True),
    Command("dues", Capability.MEMBER, private=True),  # 党费: secretaries see their branches, members their own
    Command("pay", Capability.COLLECTOR, private=True),  # a secretary, or the branch's 收缴人
    Command("talk", Capability.MEMBER, private=True),  # 谈心谈话
    Command("talks", Capability.MEMBER, private=True),
    Command("appraisal", Capability.MEMBER, private=True),  # 民主评议党员
    Command("rectify", Capability.MEMBER, private=True),  # 整改清单, 对照检查材料
    Command("pledge", Capability.MEMBER, private=True),  # 党员承诺
    Command("health", Capability.ADMIN, private=True),
)

#: Listed under the secretary's commands for a secretary; for others (a group leader's /notice, a 组织委员's
#: /development, a reviewer's /review, a 支委's /rate, a 收缴人's /pay) among their own.
SECRETARY_ONLY = frozenset(
    {
        Capability.SECRETARY,
        Capability.CONVENER,
        Capability.ORGANISER,
        Capability.REVIEWER,
        Capability.COMMITTEE,
        Capability.READER,
        Capability.COLLECTOR,
    }
)


#: Every capability a command needs.
_CAPABILITIES = frozenset(c.capability for c in COMMANDS)


def by_name(name: str) -> Command | None:
    return next((c for c in COMMANDS if c.name == name), None)


def available(actor: Actor) -> tuple[list[Command], list[Command]]:
    """(general commands, secretary commands) this person may use (each capability asked once: the gate asks
    for every person who writes, whether their menu still matches their rights)."""
    allowed = {capability: actor.can(capability) for capability in _CAPABILITIES}
    mine = [c for c in COMMANDS if allowed[c.capability]]
    apart = SECRETARY_ONLY if actor.is_secretary else frozenset({Capability.SECRETARY})
    return (
        [c for c in mine if c.capability not in apart],
        [c for c in mine if c.capability in apart],
    )


def menu(for_secretary: bool) -> list[Command]:
    """The Telegram command menu: members see theirs, secretaries see theirs too."""
    return [
        c
        for c in COMMANDS
        if c.capability in (Capability.ANYONE, Capability.MEMBER) or (for_secretary and c.capability in SECRETARY_ONLY)
    ]


def own_menu(member: Member, admin_ids: Iterable[int]) -> list[Command] | None:
    """A linked member's own menu when their rights give them more than the default one, else None."""
    if not member.active or not member.linked or member.telegram_id is None:
        return None
    person = Actor(member.telegram_id, member, is_admin(member.telegram_id, member, admin_ids))
    general, secretary = available(person)
    mine = [*general, *secretary]
    if {c.name for c in mine} == _default_names():
        return None
    return mine


@cache
def _default_names() -> frozenset[str]:
    return frozenset(c.name for c in menu(False))
