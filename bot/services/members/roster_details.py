"""The member file's columns of the roster (issue 27, SPEC §10): 性别, 出生年月, 民族, 学历, 身份证号, 工作单位,
家庭住址, 流入地, 流入地党组织, and the ones a careful 组织委员 keeps besides — the 流入地联系人 and the 流动党员活动证,
where a 外来党员's home organisation can be reached, since when they take part here, and where a member
separated from their 户籍 actually lives (人户分离). Pure functions, no database.

They are kept apart from the member's own row (table `member_details`, one row per field written) and travel as
`details` on `RosterRow`/`RosterRecord`: a roster import writes exactly the fields its row has.

身份证号 is validated (18 characters, the GB 11643 check digit) and kept only when STORE_ID_NUMBERS is true; when it is
false the column is ignored unread. A problem with it never repeats the number: not in the answer, not in a log."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

#: The columns, in the order the documented format gives them (SPEC §10 first, then the file's own).
DETAIL_COLUMNS = (
    "gender",
    "birth",
    "ethnicity",
    "education",
    "id_number",
    "employer",
    "address",
    "inflow_place",
    "inflow_org",
    "inflow_contact",
    "card_no",
    "card_issued",
    "card_until",
    "home_contact",
    "arrived",
    "residence",
)

DETAIL_CHINESE = {
    "gender": "性别",
    "birth": "出生年月",
    "ethnicity": "民族",
    "education": "学历",
    "id_number": "身份证号",
    "employer": "工作单位",
    "address": "家庭住址",
    "inflow_place": "流入地",
    "inflow_org": "流入地党组织",
    "inflow_contact": "流入地联系人",
    "card_no": "活动证号",
    "card_issued": "活动证发放日期",
    "card_until": "活动证有效期至",
    "home_contact": "原党组织联系人",
    "arrived": "来本社区时间",
    "residence": "实际居住地",
}

DETAIL_ALIASES = {
    "身份证": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "出生日期": "birth",
    "文化程度": "education",
    "工作单位及职务": "employer",
    "职业": "employer",
    "现居住地": "residence",
    "居住地": "residence",
    "流动党员活动证号": "card_no",
}

GENDERS = {"男": "男", "女": "女", "male": "男", "female": "女", "m": "男", "f": "女"}
_BIRTH = re.compile(r"^(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?|月)?$")
_ID = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class DetailInvalid(ValueError):
    """A detail cell refused: the catalogue key and its values (never the 身份证号 itself)."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def gender(value: str) -> str:
    found = GENDERS.get(value.lower())
    if found is None:
        raise DetailInvalid("roster.err.gender", value=value)
    return found


def birth(value: str) -> str:
    """出生年月: `1958-03`, `1958.3`, `1958年3月`, or a whole day; kept as YYYY-MM (the 花名册 writes no more)."""
    found = _BIRTH.match(value)
    if found is None or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2100:
        raise DetailInvalid("roster.err.birth", value=value)
    return f"{int(found[1]):04d}-{int(found[2]):02d}"


def id_number_ok(value: str) -> bool:
    """18 characters, the birth date real, the last one the GB 11643-1999 check character."""
    value = value.upper()
    if not _ID.match(value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def id_number(value: str) -> str:
    if not id_number_ok(value):
        raise DetailInvalid("roster.err.id_number")  # the number is not repeated
    return value.upper()


def a_day(value: str) -> str:
    try:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise DetailInvalid("roster.err.date", value=value) from None


def text(value: str) -> str:
    return value


DETAIL_VALIDATORS: dict[str, Callable[[str], str]] = {
    "gender": gender,
    "birth": birth,
    "id_number": id_number,
    "card_issued": a_day,
    "card_until": a_day,
    "arrived": a_day,
}


def masked(number: str) -> str:
    """A 身份证号 as the member file shows it: the first 3 and the last 4 characters."""
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}" if len(number) > 7 else "*" * len(number)


def across(details: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    """The rules between the detail columns of one row: the 活动证 must end after it was issued."""
    issued, until = details.get("card_issued"), details.get("card_until")
    if issued and until and until <= issued:
        return [("card_until", "roster.err.card_until", {"issued": issued})]
    return []
