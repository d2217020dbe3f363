"""The pager of long lists (`bot.services.kernel.pages`) as pure functions: pages, clamping, filters, buttons, the
footer and fitting a page into one message; the `ListPage` payload and the keys lists carry in it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import periods
from bot.i18n import escape, t
from bot.services.duty import month as duty_month
from bot.services.duty.rules import Month
from bot.services.kernel import pages
from bot.services.kernel.buttons import ListPage, list_pages, stale_pages
from bot.services.kernel.pages import PAGE_SIZE, Asked, Filter, fit, paginate, shorten, units
from bot.services.notices import ledger as notices_ledger
from bot.services.registry import PAYLOADS as ALL
from bot.services.reports import view as reports_view
from bot.store.notices_seats import MeetingSeat

EVEN: tuple[Filter[int], ...] = (
    Filter("all", "members.filter.all"),
    Filter("ill", "members.filter.ill", lambda i: i % 2 == 0),
    Filter("away", "members.filter.away", lambda i: i < 0),  # keeps nothing
)


def data(word: str, number: int) -> str:
    return ListPage("members", 7, word, number).pack()


def labels(rows: list[list[dict[str, str]]]) -> list[str]:
    return [b["text"] for row in rows for b in row]


def pressed(rows: list[list[dict[str, str]]], text: str) -> ListPage | None:
    found = [b["data"] for row in rows for b in row if b["text"] == text]
    assert len(found) == 1, labels(rows)
    return ListPage.unpack(found[0])


def test_an_empty_list_is_one_empty_page_without_page_buttons() -> None:
    page = paginate([], EVEN, Asked("all", 1))
    assert (page.entries, page.number, page.pages, page.total, page.size) == ((), 1, 1, 0, 0)
    assert not page.has_previous and not page.has_next
    assert labels(pages.buttons(page, data, "zh")) == ["✔ 全部 0"]  # a filter keeping nobody is left out
    assert pages.footer(page, "zh", export=True) == []


def test_exactly_one_page_has_no_arrows_and_no_footer() -> None:
    page = paginate(list(range(PAGE_SIZE)), EVEN, Asked("all", 1))
    assert len(page.entries) == PAGE_SIZE and page.pages == 1
    assert not any("页" in label for label in labels(pages.buttons(page, data, "zh")))
    assert pages.footer(page, "zh", export=True) == []


def test_one_more_than_a_page_makes_two() -> None:
    items = list(range(PAGE_SIZE + 1))
    first = paginate(items, EVEN, Asked("all", 1))
    assert first.entries == tuple(range(PAGE_SIZE)) and first.pages == 2 and first.has_next
    keys = pages.buttons(first, data, "zh")
    assert pressed(keys, "下一页 ▶") == ListPage("members", 7, "all", 2)
    assert "◀ 上一页" not in labels(keys)
    last = paginate(items, EVEN, Asked("all", 2))
    assert last.entries == (PAGE_SIZE,) and last.offset == PAGE_SIZE and not last.has_next
    assert pressed(pages.buttons(last, data, "zh"), "◀ 上一页") == ListPage("members", 7, "all", 1)
    assert pages.footer(last, "zh", export=True) == ["第 2/2 页，共 41 人", "要看全部名单，请用 /export 导出。"]
    assert pages.footer(last, "zh", export=False) == ["第 2/2 页，共 41 人"]


def test_a_page_beyond_the_end_shows_the_last_and_below_one_the_first() -> None:
    items = list(range(10_000))
    assert paginate(items, EVEN, Asked("all", 10**18)).number == 250
    assert paginate(items, EVEN, Asked("all", 10**18)).entries[-1] == 9_999
    assert paginate(items, EVEN, Asked("all", 0)).number == 1
    assert paginate(items, EVEN, Asked("all", -5)).entries[0] == 0


def test_a_filter_narrows_and_counts() -> None:
    page = paginate(list(range(100)), EVEN, Asked("ill", 2))
    assert page.filter == "ill" and page.total == 50 and page.counts == {"all": 100, "ill": 50, "away": 0}
    assert page.entries == tuple(range(80, 100, 2))
    assert pages.narrowed(page, "zh") == ["现在只看：生病，50 人"]
    assert pages.narrowed(paginate(list(range(100)), EVEN, Asked("all", 1)), "zh") == []


def test_an_unknown_filter_shows_the_whole_list() -> None:
    page = paginate(list(range(100)), EVEN, Asked("submitted", 3))
    assert page.filter == "all" and page.total == 100 and page.number == 3


def test_filter_buttons_tick_the_current_one_and_leave_out_empty_ones() -> None:
    page = paginate(list(range(100)), EVEN, Asked("ill", 1))
    keys = pages.buttons(page, data, "zh", extra=[[{"text": "查看 甲", "data": "rep:view:1"}]])
    assert labels(keys) == ["查看 甲", "全部 100", "✔ 生病 50", "下一页 ▶"]
    assert pressed(keys, "全部 100") == ListPage("members", 7, "all", 1)  # a filter starts at its first page
    assert pressed(keys, "下一页 ▶") == ListPage("members", 7, "ill", 2)
    chosen_empty = paginate(list(range(100)), EVEN, Asked("away", 1))
    assert "✔ 外出 0" in labels(pages.buttons(chosen_empty, data, "zh"))


def test_english_labels() -> None:
    page = paginate(list(range(100)), EVEN, Asked("all", 2))
    assert labels(pages.buttons(page, data, "en")) == ["✔ All 100", "Ill 50", "◀ Previous", "Next ▶"]


def test_a_filter_word_must_be_one_a_button_can_carry() -> None:
    with pytest.raises(ValueError):
        Filter("everything", "members.filter.all")
    with pytest.raises(ValueError):
        paginate([1], (), Asked("all", 1))
    with pytest.raises(ValueError):
        paginate([1], EVEN, Asked("all", 1, size=0))


@given(st.integers(0, 130), st.integers(-3, 10), st.integers(1, 50), st.sampled_from(["all", "ill", "away", "x"]))
def test_the_pages_of_a_list_hold_exactly_its_entries(length: int, number: int, size: int, word: str) -> None:
    items = list(range(length))
    page = paginate(items, EVEN, Asked(word, number, size))
    assert 1 <= page.number <= page.pages and len(page.entries) <= size
    kept = pages.select(items, EVEN, word)
    seen = [e for n in range(1, page.pages + 1) for e in paginate(items, EVEN, Asked(word, n, size)).entries]
    assert seen == kept and page.total == len(kept)
    assert page.entries == tuple(kept[page.offset : page.offset + size])


# ------------------------------------------------------------------------------------------ one message
def test_shorten_never_cuts_inside_a_tag_or_an_entity_and_closes_tags() -> None:
    assert shorten("<b>abc</b>", 20) == "<b>abc</b>"
    assert shorten("<b>abcdefghijklmn</b>", 12) == "<b>abcd…</b>"
    assert shorten("ab&amp;cd", 6) == "ab…"
    assert shorten("ab<b>cd</b>", 4) == "ab…"
    assert shorten("<b><i>甲乙丙丁戊己庚辛壬癸</i></b>", 20) == "<b><i>甲乙丙丁戊…</i></b>"
    for cap in range(1, 40):
        cut = shorten("<b>a&amp;b <i>甲乙</i> 𝄞c</b>d", cap)
        assert (
            units(cut) <= max(cap, 1)
            and cut.count("<b>") == cut.count("</b>")
            and "&amp" not in cut.replace("&amp;", "")
        )


def test_clip_cuts_a_persons_value_before_it_is_escaped() -> None:
    assert pages.clip("张三", None) == "张三" and pages.clip("张三", 2) == "张三"
    assert pages.clip("欧阳建国同志", 4) == "欧阳建…" and pages.clip(None, 3) == ""


def _render(lines: list[str]) -> str:
    return "\n".join(["<b>标题</b>", *[f"<b>{line}</b>" for line in lines], "第 1/2 页"])


def test_a_page_of_overlong_names_is_clipped_but_keeps_every_verdict() -> None:
    names = ["<名字>" * 50 + str(i) for i in range(PAGE_SIZE)]
    caps: list[int | None] = []

    def draw(cap: int | None) -> list[str]:
        caps.append(cap)
        return [
            t("zh", "members.line", name=pages.clip(n, cap), status="未报备", unlinked=" · 未绑定", facts="", vote="")
            for n in names
        ]

    text = fit(_render, draw)
    assert units(text) <= pages.MESSAGE_ROOM and caps[0] is None and len(caps) > 1
    lines = text.splitlines()
    assert len(lines) == PAGE_SIZE + 2 and all(line.endswith(" · 未绑定</b>") for line in lines[1:-1])
    assert "&lt;名字&gt;" in text and "<名字>" not in text  # clipped before escaping: no broken entity
    short = ["甲", "乙"]
    assert fit(_render, lambda cap: short) == _render(short)  # nothing clipped when it fits


def test_lines_that_clipping_cannot_shorten_lose_their_ends() -> None:
    lines = [escape("<长>" * 150 + str(i)) for i in range(PAGE_SIZE)]
    text = fit(_render, lambda cap: lines)
    assert units(text) <= pages.MESSAGE_ROOM and text.endswith("第 1/2 页") and text.count("\n") == PAGE_SIZE + 1
    assert text.count("<b>") == text.count("</b>") and "&lt;长&gt;" in text


def test_a_head_too_long_for_one_message_is_cut_as_a_whole() -> None:
    text = fit(lambda lines: "<b>" + "长" * 5000 + "</b>\n" + "\n".join(lines), lambda cap: ["甲"])
    assert units(text) <= pages.MESSAGE_ROOM and text.endswith("…</b>")


# -------------------------------------------------------------------------------------------- payload
def test_the_page_payload_packs_under_64_bytes_and_names_its_list() -> None:
    largest = ListPage("attendance", 10**18 - 1, "submitted", 10**18 - 1)
    assert len(largest.pack().encode()) <= 64 and ListPage in ALL
    assert ListPage.unpack("pg:members:0:all:1") == ListPage("members", 0, "all", 1)
    assert list_pages("members")("pg:members:0:all:1") and not list_pages("reports")("pg:members:0:all:1")
    with pytest.raises(ValueError):
        ListPage("everyone", 0, "all", 1).pack()


@pytest.mark.parametrize(
    "data",
    [
        "pg:members:0:evil:1",
        "pg:nolist:0:all:1",
        "pg:members:-1:all:1",
        "pg:members:0:all",
        "pg:members:x:all:1",
        "pg:members:0:all:1:2",
        "pg:members:0:all:",
        "pg",
        "pg:",
    ],
)
def test_forged_page_payloads_are_refused_and_caught_once(data: str) -> None:
    assert ListPage.unpack(data) is None
    catching = [name for name in pages.LISTS if stale_pages(name)(data)] + (["?"] if stale_pages()(data) else [])
    assert len(catching) == 1, catching  # exactly one catch-all answers it, whatever the order of registration


def test_period_keys_round_trip_and_refuse_what_no_button_carries() -> None:
    for label in ("2026-10", "2026-01", "2000-12", "2026-Q4", "2026-Q1", "9998-Q2"):
        period = periods.parse_period(label)
        assert period is not None
        assert reports_view.period_of_key(reports_view.period_key(period)) == period
    assert reports_view.period_key(periods.month_period(2026, 10)) == 202610
    assert reports_view.period_key(periods.quarter_period(2026, 4)) == 20264
    for key in (0, 5, 20265, 20260, 202613, 202600, 99_999, 100_000, 999_912, 10**18 - 1):
        assert reports_view.period_of_key(key) is None, key


def test_month_keys_round_trip() -> None:
    assert duty_month.month_key(Month(2026, 3)) == 202603
    assert duty_month.month_of_key(202603) == Month(2026, 3)
    for key in (0, 202613, 202600, 190001, 10**18 - 1, 2026003):
        assert duty_month.month_of_key(key) is None, key


# --------------------------------------------------------------------------------------------- ledger
def _seat(
    member_id: int, answer: str | None = None, checked_in: bool = False, approval: str = "approved"
) -> MeetingSeat:
    at = datetime(2026, 11, 12, 7, tzinfo=UTC) if checked_in else None
    leave = answer == "leave"
    return MeetingSeat(
        member_id,
        f"m{member_id}",
        True,
        True,
        False,
        answer,
        "外出" if leave else None,
        approval if leave else None,
        "self" if checked_in else None,
        at,
        None,
        None,
        None,
    )


def test_a_seat_is_named_on_the_ledger_lines_it_belongs_to() -> None:
    assert notices_ledger.lines(_seat(1), begun=False) == ["silent"]
    assert notices_ledger.lines(_seat(1), begun=True) == ["silent", "absent"]
    assert notices_ledger.lines(_seat(2, "attend", checked_in=True), begun=True) == ["attend", "present"]
    assert notices_ledger.lines(_seat(3, "leave"), begun=True) == ["leave"]  # on (approved) leave is not absent
    # issue 13: a pending leave is absent; issue 23: and no longer on 请假, which lists what the tally counts
    assert notices_ledger.lines(_seat(5, "leave", approval="pending"), begun=False) == ["leave"]
    assert notices_ledger.lines(_seat(5, "leave", approval="pending"), begun=True) == ["absent"]
    assert notices_ledger.lines(_seat(6, "leave", checked_in=True), begun=True) == ["present"]  # came after all
    assert notices_ledger.lines(_seat(4, checked_in=True), begun=False) == ["present"]
    words = [f.word for f in notices_ledger.filters(begun=False)]
    assert words == ["all", "attend", "leave", "silent", "present"]
    assert [f.word for f in notices_ledger.filters(begun=True)] == [*words, "absent", "makeup"]
    assert t("zh", "notice.att.filter.present") == "实到"


@pytest.mark.slow
def test_the_list_use_cases_import_nothing_of_telegram() -> None:
    """In a fresh interpreter (pytest's own has python-telegram-bot loaded by other tests)."""
    modules = [
        "bot.services.kernel.pages",
        "bot.services.reports.status_members",
        "bot.services.reports.view",
        "bot.services.duty.month",
        "bot.services.notices.ledger",
        "bot.services.notices.attendance",
        "bot.store.rolls",
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('telegram', 'aiohttp')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
