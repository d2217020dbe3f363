"""Every piece of user text the bot shows back is escaped (docs/PRODUCT.md §4, §8), checked without the bot:

* every catalogue message, in both languages, filled with arbitrary values, is HTML Telegram accepts
  (the emulator's own parser) and shows each value literally;
* long messages split at 4096 characters stay valid HTML in every part, none empty, nothing lost.

The end-to-end cases through the real bot are in `test_fuzz_e2e.py`.

Each test does a fixed amount of work (a number of examples, `FUZZ`), never a number of seconds: hypothesis has no
deadline here (tests/conftest.py) and pytest-timeout's limit is lifted (`pytestmark`), so a machine loaded by
other work makes them slower, never red. CI runs them derandomised (the same examples every run).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.emulator.html import utf16_len, visible_text
from bot.i18n import LANGUAGES, catalogue, escape, placeholders, t
from bot.services.kernel.text import LIMIT, split_message
from tests.support.fuzz import FUZZ, char, hostile, long_text, piece

#: Bounded by examples, not by seconds (see above).
pytestmark = [pytest.mark.timeout(0), pytest.mark.slow]  # many generated examples: the full run

KEYS = sorted(set(catalogue("zh")) | set(catalogue("en")))
values = st.lists(
    st.one_of(
        piece,
        hostile,
        st.sampled_from(
            ["<b>", "&", "&amp;", "</i>", "<script>alert(1)</script>", "Tom & <Jerry>", "🙂", "{name}", "{", "}"]
        ),
    ),
    min_size=1,
    max_size=6,
)


def test_the_catalogue_has_messages() -> None:
    assert len(KEYS) > 100


@settings(FUZZ, max_examples=40)  # each example renders every message twice
@given(values)
def test_every_message_with_any_values_is_valid_html_showing_them_literally(pool: list[str]) -> None:
    for lang in LANGUAGES:
        for index, key in enumerate(KEYS):
            names = sorted(placeholders(catalogue(lang).get(key) or catalogue("zh")[key]))
            params = {name: pool[(index + i) % len(pool)] for i, name in enumerate(names)}
            shown = visible_text(t(lang, key, **params))
            for name, value in params.items():
                assert value in shown, (lang, key, name)


lines = st.lists(
    st.tuples(st.sampled_from(["", "b", "i", "code", "u"]), st.one_of(piece, long_text, hostile)),
    min_size=1,
    max_size=12,
)


def _html(parts: list[tuple[str, str]]) -> str:
    return "\n".join(f"<{tag}>{escape(text)}</{tag}>" if tag else escape(text) for tag, text in parts)


@FUZZ
@given(lines)
def test_long_messages_split_into_valid_parts(parts: list[tuple[str, str]]) -> None:
    html = _html(parts)
    out = split_message(html)
    assert out
    shown = [visible_text(part) for part in out]
    for text in shown:
        assert utf16_len(text) <= LIMIT
    if len(out) > 1:
        assert all(text.strip() for text in shown)  # Telegram refuses an empty message
    squash = re.compile(r"\s")
    assert squash.sub("", "".join(shown)) == squash.sub("", visible_text(html))


@FUZZ
@given(st.lists(char, min_size=1, max_size=3).map("".join), st.integers(1000, 6000))
def test_one_long_line_of_escaped_characters_splits_cleanly(unit: str, times: int) -> None:
    html = "<b>" + escape(unit * times) + "</b>"
    for part in split_message(html):
        assert utf16_len(visible_text(part)) <= LIMIT
