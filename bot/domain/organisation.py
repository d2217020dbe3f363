"""The organisation's derived facts as pure rules: who votes, how long someone has been a Party member.

This module imports nothing of the project, so the store's `Member` model can expose the same rules as
properties without the store depending on the rest of the services.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

FULL = "full"  # 正式党员
PROBATIONARY = "probationary"  # 预备党员
MEMBERSHIPS = (FULL, PROBATIONARY)
#: 发展党员 (SPEC §10): on the roster, not members — no member rights; the import puts them in the register.
APPLICANT = "applicant"  # 入党申请人
ACTIVIST = "activist"  # 入党积极分子
CANDIDATE = "candidate"  # 发展对象
DEVELOPMENT = (APPLICANT, ACTIVIST, CANDIDATE)

HERE = "here"  # 组织关系在本支部
ELSEWHERE = "elsewhere"  # 组织关系在外（外来党员）
RELATIONS = (HERE, ELSEWHERE)

#: Roles kept in `member_roles` since the first version.
BASE_ROLES = frozenset({"secretary", "liaison", "admin"})
#: Organisational offices: member of their unit's committee (支委), leader of their branch's Party group
#: (党小组长), leader of their activity group (活动小组长).
COMMITTEE = "committee"
GROUP_LEADER = "group_leader"
ACTIVITY_LEADER = "activity_leader"
OFFICES = frozenset({COMMITTEE, GROUP_LEADER, ACTIVITY_LEADER})


def has_vote(membership: str, relation: str) -> bool:
    """表决权: full members whose organisational relation is with this organisation vote. Probationary
    members (预备党员) take part but have no vote (党章第七条), and members whose relation is with another
    organisation (外来, 组织关系在外) vote there, not here."""
    return membership == FULL and relation == HERE


def whole_years(start: date | None, today: date) -> int | None:
    """Whole years from `start` to `today` (the anniversary itself counts); None when `start` is unknown or after
    `today`."""
    if start is None or start > today:
        return None
    years = today.year - start.year
    if (today.month, today.day) < (start.month, start.day):
        years -= 1
    return years


def party_years(confirmed: date | None, membership: str, today: date) -> int | None:
    """党龄 in whole years on `today`, or None when it cannot be told.

    By the Party's rule (《中国共产党章程》第七条: 党员的党龄，从预备期满转为正式党员之日算起) 党龄 counts from the
    day the member became a full member (转正), and only from it: counting from 入党时间 when the roster gives no
    转正时间 would add the probation, a year or more (it may have been extended). A probationary member has no 党龄
    yet; a full member without 转正时间 has one nobody can tell (`party_years_unknown`: said so, never guessed).
    """
    if membership != FULL:
        return None
    return whole_years(confirmed, today)


def party_years_unknown(confirmed: date | None, membership: str, today: date) -> bool:
    """A full member whose 党龄 cannot be told: the roster gives no 转正时间 (or one after today)."""
    return membership == FULL and party_years(confirmed, membership, today) is None


def is_committee(roles: frozenset[str]) -> bool:
    """A member of their unit's committee (支委); the secretary is one too."""
    return COMMITTEE in roles or "secretary" in roles


#: The offices of a committee seat (委员会的分工), in the order a committee is listed.
SEAT_OFFICES = ("secretary", "deputy", "organisation", "publicity", "discipline", "member")
#: How a roster or a secretary writes an office.
OFFICE_WORDS = {
    "secretary": "secretary",
    "书记": "secretary",
    "deputy": "deputy",
    "副书记": "deputy",
    "organisation": "organisation",
    "organization": "organisation",
    "组织委员": "organisation",
    "publicity": "publicity",
    "宣传委员": "publicity",
    "discipline": "discipline",
    "纪检委员": "discipline",
    "纪律检查委员": "discipline",
    "member": "member",
    "委员": "member",
    "党委委员": "member",
    "支部委员": "member",
    "支委": "member",
}


def office_of(duty: str | None) -> str:
    """The office a 职务说明 names (组织委员 → organisation …), else 委员 (member)."""
    for word in ("副书记", "组织委员", "宣传委员", "纪律检查委员", "纪检委员"):
        if word in (duty or ""):
            return OFFICE_WORDS[word]
    return "member"


#: 任期: a village-level Party organisation serves five years (《中国共产党农村基层组织工作条例》).
TERM_YEARS = 5
#: The reminders before 换届: six months and one month before the term ends, from 09:00 local time.
TERM_STAGES = (("6m", 6), ("1m", 1))
TERM_REMIND_AT = time(9, 0)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months (negative: back), the day kept or the month's last one."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def term_end(start: date) -> date:
    """The day the term ends: five years from its start (the day before the same date)."""
    return add_months(start, 12 * TERM_YEARS) - timedelta(days=1)


def term_stage(start: date, local: datetime) -> str | None:
    """The reminder stage whose window holds this local moment: `6m` from six months before the end until one
    month before, `1m` from then until the end; None otherwise (after downtime, no late stage)."""
    end = term_end(start)
    bounds = [(stage, datetime.combine(add_months(end, -months), TERM_REMIND_AT)) for stage, months in TERM_STAGES]
    naive = local.replace(tzinfo=None)
    limits = [b for _, b in bounds[1:]] + [datetime.combine(end, time(23, 59))]
    for (stage, begins), until in zip(bounds, limits, strict=True):
        if begins <= naive < until:
            return stage
    return None
