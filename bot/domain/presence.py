"""Presence proven where the meeting is (issue 23 item 2), as pure rules: what a community asks as proof of being
at a meeting held 现场 (`CHECKIN_PROOF`), the check-in code the convener shows at the venue — six digits derived
from the notice's secret and the minute, so it changes every minute; the one just before stays valid, older ones
do not —, the distance between a shared location and the venue, and the reasons a secretary may give for
registering a member present (书记登记). Nothing here imports the rest of the bot.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from datetime import datetime
from enum import StrEnum

CODE, LOCATION = "code", "location"
PROOFS = (CODE, LOCATION)


class MeetingMode(StrEnum):
    """How a meeting is held: 现场 at a venue, or 线上."""

    ONSITE = "onsite"  # 现场
    ONLINE = "online"  # 线上


ONSITE, ONLINE = MeetingMode.ONSITE, MeetingMode.ONLINE
MODES = tuple(MeetingMode)
#: A code lasts this many seconds; the one before the current is still taken.
STEP_SECONDS = 60
CODE_DIGITS = 6
#: The deep-link payload of a check-in code: `https://t.me/<bot>?start=ci_<code>`.
LINK_PREFIX = "ci_"
_CODE = re.compile(rf"^\d{{{CODE_DIGITS}}}$")
EARTH_RADIUS_M = 6_371_000.0

#: 书记登记: why a member is registered by the secretary instead of checking in themselves.
REASONS = ("no_phone", "unlinked", "frail", "other")
REASON_WORDS = {
    "无智能手机": "no_phone",
    "没有智能手机": "no_phone",
    "no_phone": "no_phone",
    "no phone": "no_phone",
    "未绑定": "unlinked",
    "unlinked": "unlinked",
    "年老体弱": "frail",
    "frail": "frail",
    "其他": "other",
    "其它": "other",
    "other": "other",
}
#: A registration of a member reported away or ill is confirmed by a note starting with one of these.
CONFIRM_WORDS = ("确认", "confirm")
#: Member statuses that say they are not in the village (外出) or cannot come (生病).
AWAY_OR_ILL = frozenset({"away_work", "away_business", "study", "with_children", "medical", "ill"})


def parse_proof(text: str) -> frozenset[str]:
    """`code`, `location`, `code,location` or `none` → the proofs asked (empty for none)."""
    words = [w.strip().lower() for w in text.replace("，", ",").split(",") if w.strip()]
    if words == ["none"]:
        return frozenset()
    if not words or any(w not in PROOFS for w in words):
        raise ValueError(f"CHECKIN_PROOF must be code, location, code,location or none, not {text!r}")
    return frozenset(words)


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(key: str, minute: int) -> str:
    """The code of a notice's secret `key` in this minute."""
    digest = hmac.new(key.encode(), str(minute).encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def current_code(key: str, now: datetime) -> str:
    return code_at(key, minute_of(now))


def code_matches(key: str, code: str, now: datetime) -> bool:
    """The code of this minute or of the one just before (a slow typist is not refused); never an older one."""
    minute = minute_of(now)
    return any(hmac.compare_digest(code_at(key, m), code) for m in (minute, minute - 1))


def normal_code(text: str) -> str | None:
    """A typed code (full-width digits, spaces between them, a `ci_` link payload) as six digits, else None."""
    squeezed = "".join(text.split()).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    squeezed = squeezed.removeprefix(LINK_PREFIX)
    return squeezed if _CODE.match(squeezed) else None


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={LINK_PREFIX}{code}"


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres (haversine): plenty for a few hundred metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def venue_name(place: str) -> str:
    """The key of a venue: the place as typed, without spaces (村委会 会议室 and 村委会会议室 are one)."""
    return "".join(place.split())


def parse_mode(text: str) -> MeetingMode | None:
    """`现场` / `onsite` or `线上` / `online` → the mode, else None."""
    word = "".join(text.split()).lower()
    if word in ("现场", "onsite", "on-site", "线下"):
        return ONSITE
    if word in ("线上", "online", "网上", "视频"):
        return ONLINE
    return None


def online_place(place: str) -> bool:
    """A place that says the meeting is held online (`线上：腾讯会议 123`, `online: Zoom`)."""
    lowered = place.strip().lower()
    return lowered.startswith(("线上", "online", "网上"))
