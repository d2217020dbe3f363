"""Hypothesis strategies of hostile user text, shared by the fuzz tests."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SPECIAL = [
    "|",
    "｜",
    "<",
    ">",
    "&",
    ";",
    "&amp;",
    "&lt;",
    "<b>",
    "</i>",
    "<script>",
    '"',
    "'",
    ":",
    "：",
    "-",
    "/",
    ".",
    " ",
    "　",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x1b",
    "\x7f",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u202e",
    "党",
    "支部",
    "年",
    "月",
    "日",
    "点",
    "分",
    "明天",
    "tomorrow",
    "今天",
    "后天",
    "Q",
    "q",
    "🙂",
    "👨‍👩‍👧",
    "🇨🇳",
    "❤️",
    "𝕏",
    "０",
    "٣",
    "²",
    "Ⅻ",
    "〇",
    "home",
    "away_work",
    "hardship",
    "在家",
    "外出务工",
    "patrol",
    "邻里",
    "resolved",
    "调解中",
    "已化解",
    "党课",
    "general",
    "其他",
    "none",
    "无",
    "；",
    ",",
    "、",
    "secretary",
    "流动",
    "monthly",
]


DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=6)


char = st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL))


piece = st.lists(char, max_size=25).map("".join)


def _repeat(args: tuple[str, int]) -> str:
    text, times = args
    return (text * times)[:10_000]


#: Very long strings (200 to 10 000 characters).
long_text = st.tuples(st.lists(char, min_size=1, max_size=12).map("".join), st.integers(200, 10_000)).map(_repeat)


field_values = st.lists(st.one_of(piece, DIGITS, st.sampled_from(SPECIAL)), min_size=1, max_size=7)
#: One-line forms with either separator.
separated = st.one_of(field_values.map(" | ".join), field_values.map("｜".join), field_values.map("|".join))
#: Digits with every date/time separator the parsers know, and values out of every range.
date_like = st.builds(
    lambda y, a, mo, b, d, c, h, e, mi: f"{y}{a}{mo}{b}{d}{c}{h}{e}{mi}",
    DIGITS,
    st.sampled_from("-/.年"),
    DIGITS,
    st.sampled_from("-/.月"),
    DIGITS,
    st.sampled_from([" ", "日 ", "日", "  ", "\t", ""]),
    DIGITS,
    st.sampled_from(":：点"),
    DIGITS,
)


short_date_like = st.builds(
    lambda mo, b, d, h, mi: f"{mo}{b}{d} {h}:{mi}", DIGITS, st.sampled_from("-/.月"), DIGITS, DIGITS, DIGITS
)


relative_like = st.builds(
    lambda w, h, mi: f"{w} {h}:{mi}",
    st.sampled_from(["明天", "tomorrow", "TOMORROW", "今天", "后天", "today"]),
    DIGITS,
    DIGITS,
)


month_like = st.builds(lambda y, s, m: f"{y}{s}{m}", DIGITS, st.sampled_from(["-", "-Q", "-q", "年", "/", "."]), DIGITS)
#: Any hostile text.
hostile = st.one_of(
    piece, separated, long_text, date_like, short_date_like, relative_like, month_like, st.text(max_size=200)
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
