"""A member's line in `/members`: their name and Party group, their latest status, and what the
organisation says of them — roles and offices (书记, 支委, 党小组长, 联系人), membership (正式/预备党员),
党龄, activity group, a relation elsewhere, and a mark for those who do not vote (〔无表决权〕).

One function, `facts`, so that the listing (`bot.services.reports.status_members`) only calls it.
"""

from __future__ import annotations

from datetime import date

from bot.domain.models import Member
from bot.domain.organisation import (
    ACTIVITY_LEADER,
    COMMITTEE,
    ELSEWHERE,
    GROUP_LEADER,
    party_years,
    party_years_unknown,
)
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.kernel import dates

#: The order roles are named in: the secretary first, the bot's own roles last.
_ROLE_ORDER = ("secretary", COMMITTEE, GROUP_LEADER, ACTIVITY_LEADER, "liaison", "admin")


def roles_text(member: Member, lang: str) -> str:
    """书记、支委（组织委员）、党小组长 … as HTML; empty when they hold none. A secretary is a committee
    member without being named one twice."""
    names: list[str] = []
    for role in _ROLE_ORDER:
        if role not in member.roles or (role == COMMITTEE and member.is_secretary):
            continue
        name = t(lang, f"members.role.{role}")
        if role in ("secretary", COMMITTEE) and member.duty:
            name = t(lang, "members.duty", role=Html(name), duty=member.duty)
        names.append(name)
    return t(lang, "members.separator").join(names)


def facts(member: Member, tree: OrgTree, lang: str, today: date) -> list[str]:
    """What the organisation says of the member, each as HTML, in the order the line shows them."""
    out: list[str] = []
    roles = roles_text(member, lang)
    if roles:
        out.append(roles)
    if member.is_probationary:
        out.append(
            t(lang, "members.probationary_since", date=dates.day_near(lang, member.joined, today))
            if member.joined
            else t(lang, "members.membership.probationary")
        )
    else:
        out.append(t(lang, "members.membership.full"))
        years = party_years(member.confirmed, member.membership, today)
        if years is not None:
            out.append(t(lang, "members.years", years=years) if years else t(lang, "members.years_new"))
        elif party_years_unknown(member.confirmed, member.membership, today):
            out.append(t(lang, "members.years_unknown"))
    if member.activity_group_id is not None:
        out.append(t(lang, "members.activity", group=tree.name(member.activity_group_id)))
    if member.relation == ELSEWHERE:
        out.append(t(lang, "members.elsewhere_in", home=member.note) if member.note else t(lang, "members.elsewhere"))
    return out
