"""The rules of 党务公开, pure: the kinds of item, the words that name them and the sources an item is drafted
from, the 公示期's length, and the private fields a public item must never carry (an ID number, a phone number, a
word of illness, hardship or an individual rating, the name of a member in care)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from enum import StrEnum

from bot.domain.workdays import MAX_DAYS

#: The 公示期 when none is given: 5 working days (发展党员 公示 at least 5, docs/PRODUCT.md).
DEFAULT_DAYS = 5
MAX_TITLE = 60
MAX_BODY = 1500
#: An objection's text, at the most.
MAX_OBJECTION = 500
#: How long the bot waits for the text of an objection after its link was opened.
WAIT_HOURS = 24
#: How far back the end-of-period sweep looks (a bot down for a while still tells the secretary).
END_LOOKBACK_DAYS = 30


class Kind(StrEnum):
    DEVELOPMENT = "development"  # 发展党员公示
    APPRAISAL = "appraisal"  # 民主评议结果
    POSTS = "posts"  # 岗位公示
    DUES = "dues"  # 党费收缴情况
    MEETINGS = "meetings"  # 三会一课开展情况
    RECTIFY = "rectify"  # 整改进展
    VILLAGE = "village"  # 村级重大事项
    FOUR_TWO = "four_two"  # 四议两公开结果
    OTHER = "other"  # 其他


#: The kinds a secretary may name at the head of a free item (`/publicity 村级重大事项 | 标题 | 内容`).
FREE_KINDS: dict[str, Kind] = {
    "村级重大事项": Kind.VILLAGE,
    "重大事项": Kind.VILLAGE,
    "village": Kind.VILLAGE,
    "四议两公开": Kind.FOUR_TWO,
    "四议两公开结果": Kind.FOUR_TWO,
    "four_two": Kind.FOUR_TWO,
    "其他": Kind.OTHER,
    "other": Kind.OTHER,
}


class Source(StrEnum):
    """What an item is drafted from (`/publicity 来源 [参数]`)."""

    POSTS = "posts"
    APPRAISAL = "appraisal"
    DEVELOPMENT = "development"
    DUES = "dues"
    MEETINGS = "meetings"
    RECTIFY = "rectify"


SOURCE_WORDS: dict[str, Source] = {
    **{s.value: s for s in Source},
    "岗位": Source.POSTS,
    "岗位公示": Source.POSTS,
    "评议": Source.APPRAISAL,
    "民主评议": Source.APPRAISAL,
    "发展": Source.DEVELOPMENT,
    "发展党员": Source.DEVELOPMENT,
    "党费": Source.DUES,
    "三会一课": Source.MEETINGS,
    "整改": Source.RECTIFY,
}
ANSWER_WORDS = ("答复", "answer")

#: The private fields a pattern finds, by the catalogue key naming them. An ID number (18 characters, the last a
#: digit or X) is looked for before a mobile number (11 digits from 1[3-9]) and a fixed line (0xx-xxxxxxx).
_PRIVATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_number", re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?![0-9A-Za-z])")),
    ("phone", re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")),
    ("phone", re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-?[0-9]{7,8}(?![0-9])")),
)
#: Separators people put between the digits of a phone or ID number (138 0013 8000, 138-0013-8000, 110105-1949…).
_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[ \u3000\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212](?=[0-9Xx])")
#: Words of a person's illness, hardship or individual rating, which a 公开 item never carries (docs/PRODUCT.md,
#: 党务公开). Harmless compounds are taken out first: 隐患 (安全隐患排查), 病虫害, 克服困难 and the like pass.
_HARMLESS = re.compile(r"隐患|后患|祸患|水患|忧患|防患|病虫|病害|病险|病媒|疫病|防病")
_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("health", re.compile(r"患|病|住院|就医|癌|尿毒症|透析|化疗|瘫痪|痴呆|失能")),
    (
        "hardship",
        re.compile(r"低保|特困|五保|孤寡|残疾|残障|贫困户|困难(?:户|党员|群众|家庭|职工|老人)|(?:生活|家庭|经济)困难"),
    ),
    ("rating", re.compile(r"基本合格|不合格")),
)


def _squeezed(text: str) -> str:
    """`text` as a pattern reads it: full-width digits made plain (NFKC), no separators between digits."""
    return _BETWEEN_DIGITS.sub("", unicodedata.normalize("NFKC", text))


def private_field(text: str, names: Collection[str] = (), *, ratings: bool = True) -> tuple[str, str] | None:
    """The first private field found in `text`: (its catalogue name, the text found), else None. Besides an ID or
    phone number: a word of illness or hardship, an individual rating (unless `ratings` is False: the counts of a
    民主评议 result name no one), or one of `names` (members with an open care case or an ill or hardship status)."""
    squeezed = _squeezed(text)
    for name, pattern in _PRIVATE:
        found = pattern.search(squeezed)
        if found is not None:
            return name, found.group()
    plain = _HARMLESS.sub("", squeezed)
    for name, pattern in _WORDS:
        found = pattern.search(plain) if ratings or name != "rating" else None
        if found is not None:
            return name, found.group()
    named = next((n for n in sorted(names, key=len, reverse=True) if len(n) >= 2 and n in squeezed), None)
    return ("care_name", named) if named is not None else None


def spoken(field: str) -> bool:
    """Whether a found field may be shown whole in the refusal (a word or a name, not a number)."""
    return field not in ("id_number", "phone")


def masked(found: str) -> str:
    """A found value as the refusal names it, without repeating it whole: 1380****0002."""
    return found[:4] + "*" * max(len(found) - 8, 2) + found[-4:] if len(found) > 8 else "****"


def _days_text(text: str) -> str:
    return text.strip().removesuffix("个工作日").removesuffix("工作日").removesuffix("天").strip()


def looks_like_days(text: str) -> bool:
    """Whether `text` was meant as a number of working days (any digits, in range or not): `| 100`, `| ５天`."""
    return _days_text(text).isdigit()


def parse_days(text: str) -> int | None:
    """The 公示期 in working days, 1..MAX_DAYS; None for anything else."""
    text = _days_text(text)
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    days = int(text)
    return days if 1 <= days <= MAX_DAYS else None
