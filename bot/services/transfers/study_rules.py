"""学时 (issue 27): the pure rules.

《中国共产党党员教育管理工作条例》 (2019): 党员每年集中学习培训时间一般不少于32学时 — STUDY_HOURS_REQUIRED (32).
A member's 学时 of a year are those of the meetings they were present at (checked in, or registered present by the
convener) — 补学 only when STUDY_COUNTS_MAKEUP is true — plus study outside the branch's meetings a secretary
entered (上级党组织的集中培训, 党校, 网络培训).

A meeting's 学时 is its own figure when the convener set one (`/study 会议 | 编号 | 学时`), else its type's default:
a 党课 and a 主题党日 2 学时 each (about two hours; four 党课 and twelve 主题党日 a year make 32), other meetings 0 —
a 支部党员大会 or 党小组会 held for study gets its figure set."""

from __future__ import annotations

import re

DEFAULT_HOURS = {"lecture": 2.0, "partyday": 2.0}
MAX_MEETING_HOURS = 8.0  # a whole day
MAX_RECORD_HOURS = 80.0  # ten days of training
_HOURS = re.compile(r"^(\d{1,3}(?:\.\d)?)\s*(?:学时|小时|个小时|h|hours?)?$", re.IGNORECASE)


def meeting_hours(kind: str, own: float | None) -> float:
    return own if own is not None else DEFAULT_HOURS.get(kind, 0.0)


def parse_hours(text: str, *, most: float, zero: bool = False) -> float | None:
    """`2`, `1.5`, `2学时`, `3小时` → hours in half-hour steps, above 0 (or 0 when `zero`) and at most `most`."""
    found = _HOURS.match(text.strip())
    if found is None:
        return None
    value = float(found[1])
    if value * 2 != int(value * 2) or value > most or value < 0 or (value == 0 and not zero):
        return None
    return value


def short(total: float, required: int) -> bool:
    """Under the year's requirement (exactly the requirement is enough)."""
    return total < required


def figure(value: float) -> str:
    """2.0 → `2`, 1.5 → `1.5`."""
    return f"{value:g}"
