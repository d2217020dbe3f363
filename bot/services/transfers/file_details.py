"""The member file's lines from the roster's file fields (issue 27): the person (性别, 出生年月, 民族, 学历, the
身份证号 masked and only when STORE_ID_NUMBERS is true), work and home, and — by category — the 流入地 with its 党组织,
contact and 流动党员活动证 (a 流动党员), the home organisation and its contact (a 外来党员 or a relation elsewhere), the
two addresses (人户分离), and the 到社区报到 of the year (an 在职党员)."""

from __future__ import annotations

from datetime import date

from bot.i18n import t
from bot.services.kernel import dates
from bot.services.members.roster_details import masked
from bot.services.transfers import rules

DASH = "—"


def _get(details: dict[str, str], key: str) -> str:
    return details.get(key) or DASH


def person_lines(details: dict[str, str], id_number: str | None, lang: str) -> list[str]:
    lines = []
    if any(details.get(k) for k in ("gender", "birth", "ethnicity", "education")):
        lines.append(
            t(
                lang,
                "transfers.file_person",
                gender=_get(details, "gender"),
                birth=dates.recorded(lang, details.get("birth")),
                ethnicity=_get(details, "ethnicity"),
                education=_get(details, "education"),
            )
        )
    if id_number:
        lines.append(t(lang, "transfers.file_id", number=masked(id_number)))
    if details.get("employer") or details.get("address"):
        lines.append(
            t(lang, "transfers.file_work", employer=_get(details, "employer"), address=_get(details, "address"))
        )
    return lines


def card_text(details: dict[str, str], today: date, lang: str) -> str:
    """The 活动证 in words: its number and dates, and whether it has run out or soon will."""
    until = details.get("card_until")
    state = ""
    if until:
        left = (date.fromisoformat(until) - today).days
        if left < 0:
            state = t(lang, "transfers.card_expired")
        elif left <= rules.CARD_NOTICE_DAYS:
            state = t(lang, "transfers.card_soon", days=left)
    return t(
        lang,
        "transfers.file_card",
        number=_get(details, "card_no"),
        issued=dates.recorded(lang, details.get("card_issued")),
        until=dates.recorded(lang, until),
        state=state,
    )


def category_lines(category: str | None, details: dict[str, str], today: date, lang: str) -> list[str]:
    lines = []
    if category == "migrant" or details.get("inflow_place") or details.get("card_no"):
        lines.append(
            t(
                lang,
                "transfers.file_inflow",
                place=_get(details, "inflow_place"),
                org=_get(details, "inflow_org"),
                contact=_get(details, "inflow_contact"),
            )
        )
        if details.get("card_no") or details.get("card_until"):
            lines.append(card_text(details, today, lang))
    if category == "incoming" or details.get("home_contact") or details.get("arrived"):
        lines.append(
            t(
                lang,
                "transfers.file_incoming",
                contact=_get(details, "home_contact"),
                since=dates.recorded(lang, details.get("arrived")),
            )
        )
    if category == "separated" or details.get("residence"):
        lines.append(
            t(
                lang,
                "transfers.file_separated",
                address=_get(details, "address"),
                residence=_get(details, "residence"),
            )
        )
    return lines
