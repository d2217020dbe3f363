"""The 台账 as it prints (issue 29): the workbook of the seeded community, rendered to PDF by LibreOffice exactly as
`/export pdf` renders it, read back through poppler (`pdfinfo`, `pdftotext`): every page A4, each sheet on as many
pages as its records take and no more (a sheet too wide for its page would spill its last columns onto pages of
their own), every sheet at a print scale of at least 75 %, the words of each sheet on its pages, the signature lines
at every page's foot, and no markup, entity or emoji in the text.

Run it with `pytest -m render` (the default run leaves it out: `.ci/run` runs it after installing LibreOffice with
scripts/ci-libreoffice). Outside CI it is skipped where LibreOffice or poppler is missing; in CI (CI=true) it must
run, and fails without them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.domain.rights import OrgTree
from bot.services.exports.pdf import render_pdf, soffice
from bot.services.exports.workbook import LedgerOrder, write_ledger
from bot.services.kernel.xlsx_book import MIN_SCALE
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.xlsx_data import NOW, SETTINGS, open_book, seed

pytestmark = [pytest.mark.render, pytest.mark.slow, pytest.mark.timeout(300)]

#: Pages each sheet of the seeded community's workbook may take (its records fit on one page, the year's grid
#: takes a page per branch, 统计 a page per chart; the attendance detail's 30 wrapped lines take two or three).
PAGES = {
    "封面": (1, 1),
    "目录": (1, 2),  # over 30 sheets: the English descriptions wrap onto a second page
    "党员花名册": (1, 1),
    "流动党员台账": (1, 1),
    "流动党员和外来党员登记": (1, 1),
    "三会一课台账": (1, 1),
    "会议记录": (1, 1),
    "三会一课完成情况": (2, 2),
    "会议考勤明细": (1, 3),
    "设岗定责考核": (1, 1),
    "述职评议": (1, 1),
    "公示记录": (1, 1),
    "党务公开台账": (1, 1),
    "党务公开栏": (1, 1),
    "联户台账": (1, 1),
    "民情诉求台账": (1, 1),
    "困难党员台账": (1, 1),
    "帮扶走访记录": (1, 1),
    "入党积极分子培养考察登记": (1, 1),
    "发展党员工作台账": (1, 1),
    "党费收缴台账": (1, 1),
    "党费基数核定表": (1, 1),
    "谈心谈话记录": (1, 1),
    "民主评议党员结果": (1, 1),
    "整改清单": (1, 1),
    "党员承诺": (1, 1),
    "组织关系转接登记": (1, 1),
    "在职党员到社区报到": (1, 1),
    "党员学习培训学时统计": (1, 1),
    "联系记录": (1, 1),
    "动态报备": (1, 1),
    "统计": (4, 4),
}
#: Words each sheet's pages must show: its columns an inspector reads, and records of the seed.
WORDS = {
    "封面": ["党组织工作台账", "测试社区党委", "2026年度", "编制人", "编制日期", "审核人", "党委书记（签字）"],
    "目录": ["序号", "台账名称", "主要内容", "记录条数", "党员花名册", "会议记录", "统计"],
    "党员花名册": ["姓名", "党员类别", "党龄", "王书记", "社区服务中心"],
    "流动党员台账": ["汇报期", "2026年9月", "每季度", "张流动", "逾期", "未阅"],
    "流动党员和外来党员登记": [
        "流入地党组织",
        "活动证号",
        "LD-2025-08",
        "2027年7月31日",
        "外来",
        "2024年3月1日",
        "县供电公司党委",
    ],
    "三会一课台账": ["主持人", "授课人", "记录人", "应到", "实到", "缺席人员", "吴未绑定", "党委委员"],
    "会议记录": ["会议内容", "决议及表决结果", "未录入会议记录", "秋收期间安全生产", "赞成3票，反对0票，弃权1票"],
    "三会一课完成情况": ["一村党支部2026年三会一课完成情况", "第四季度", "2026年全年", "√", "×", "○", "合计"],
    "会议考勤明细": ["签到方式", "书记登记", "补学情况", "自学会议精神"],
    "设岗定责考核": ["积分", "是否达标", "赵巡逻", "未达标"],
    "述职评议": ["2026年第三季度", "称职", "语音述职"],
    "公示记录": ["2026年第三季度设岗定责公示", "Tom&<Jerry>（治安巡逻岗）"],
    "党务公开台账": ["公示开始", "村级重大事项", "村东道路硬化", "已答复"],
    "党务公开栏": ["公示事项", "村东道路硬化", "11月18日", "共 5 个工作日", "如有异议"],
    "联户台账": ["户主", "刘大爷", "未走访"],
    "民情诉求台账": ["诉求内容", "路灯坏了", "满意"],
    "困难党员台账": ["困难情况", "工地受伤", "已结案"],
    "帮扶走访记录": ["走访日期", "慰问金", "下周复查"],
    "入党积极分子培养考察登记": [
        "培养联系人",
        "培养考察",
        "思想汇报",
        "马积极",
        "2026年4月10日",
        "王书记、李联络",
        "2000年5月",
    ],
    "发展党员工作台账": [
        "入党介绍人",
        "政治审查",
        "集中培训",
        "3天、24学时",
        "公示期",
        "赞成5（书面1）",  # 应到6 实到5 wrap beside the 公示期, which pdftotext interleaves
        "何预备",
    ],
    "党费收缴台账": ["基数", "应交", "实交", "经手人"],
    "党费基数核定表": ["月收入基数", "比例", "全年应交", "钱调解", "4500.00", "1%", "540.00"],
    "谈心谈话记录": ["谈话内容", "修路"],
    "民主评议党员结果": ["组织评定", "不足3票", "优秀"],
    "整改清单": ["整改措施", "每月集中学习"],
    "党员承诺": ["承诺内容", "帮扶一户困难户", "看望王大爷四次"],
    "组织关系转接登记": ["介绍信编号", "2026-031", "赵巡逻", "中共某县某镇委员会", "办理中"],
    "在职党员到社区报到": ["认领的服务", "义务维修电器", "检修线路"],
    "党员学习培训学时统计": ["参加会议学时", "是否达到规定学时", "张流动"],
    "联系记录": ["联系情况", "李联络"],
    "动态报备": ["广东东莞", "外出求学"],
    "统计": ["每月三会一课：已开与应开", "思想汇报按时情况", "2026年第一季度", "设岗定责每月积分", "每次会议出勤率"],
}
#: What must never print: markup and entities from Telegram HTML, pictographs the fonts lack (boxes), codes.
NEVER = re.compile(
    r"<b>|</b>|&lt;|&gt;|&amp;|[\U0001F000-\U0001FAFF\u2705\u274C\u2713\u2717\u23F3\uFE0F]|-Q[1-4]|第[1-4]季度"
)


def needs_renderer() -> None:
    """Skip where LibreOffice or poppler is missing, except in CI, where the render must run."""
    missing = [name for name in ("pdfinfo", "pdftotext") if shutil.which(name) is None]
    if soffice() is None:
        missing.insert(0, "LibreOffice (soffice)")
    if not missing:
        return
    message = f"{', '.join(missing)} not installed (scripts/ci-libreoffice installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must render the ledger: {message}")
    pytest.skip(message)


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True, timeout=120).stdout


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order (pdftotext ends each page with a form feed)."""
    return poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-").split("\f")[:-1]


def sheet_of(page: str, sheets: list[str], before: str | None) -> str:
    """The sheet a page belongs to: named in its page header; the cover has none (a page without one after it is
    the sheet before it, run on)."""
    head = [line.strip() for line in page.splitlines() if line.strip()][:4]
    named = [s for s in sheets if s in head]
    return named[0] if named else before or sheets[0]


async def rendered(store: Store, folder: Path, lang: str) -> tuple[Path, Path]:
    await load_roster(store, SMALL_ROSTER)
    await seed(store)
    folder.mkdir()
    tree = OrgTree.of(await store.units.all())
    book = await write_ledger(store, SETTINGS, folder, LedgerOrder(tree, None, lang, NOW))
    result = await render_pdf(book, folder / "pdf")
    assert result.path is not None, result.problem
    return book, result.path


async def test_the_ledger_prints_every_sheet_legibly(store: Store, tmp_path: Path) -> None:
    needs_renderer()
    book_path, pdf = await rendered(store, tmp_path / "zh", "zh")
    book = open_book(book_path)
    assert book.sheetnames == list(PAGES)
    for sheet in book.worksheets:  # a fixed scale: never "fit to page", never below 75 %
        assert not (sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage)
        assert MIN_SCALE <= (sheet.page_setup.scale or 100) <= 100, sheet.title

    info = poppler("pdfinfo", "-f", "1", "-l", "999", str(pdf))
    sizes = re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info, re.M)
    texts = page_texts(pdf)
    assert len(sizes) == len(texts) == int(re.search(r"^Pages: +(\d+)", info, re.M)[1])  # type: ignore[index]
    for width, height in sizes:  # A4, landscape or upright
        assert sorted((round(float(width)), round(float(height)))) == [595, 842]

    sheets = list(PAGES)
    on: dict[str, list[str]] = {name: [] for name in sheets}
    name: str | None = None
    for n, text in enumerate(texts, 1):
        name = sheet_of(text, sheets, name)
        on[name].append(text)
        assert not NEVER.search(text), (n, name, NEVER.search(text))
        if name != "封面":  # every printed page of a sheet: who recorded, who reviewed, the secretary
            assert "记录人：" in text and "审核人：" in text and "党委书记（签字）：" in text, (n, name)
            assert f"第 {n} 页，共 {len(texts)} 页" in text, n
    assert list(on) == sheets and [name for name in sheets if not on[name]] == []  # in order, none missing
    for name, (least, most) in PAGES.items():
        assert least <= len(on[name]) <= most, (name, len(on[name]))
        words = "".join("".join(on[name]).split())  # a wrapped cell reads on across its lines
        for word in WORDS[name]:
            assert "".join(word.split()) in words, (name, word)


async def test_the_english_ledger_prints_too(store: Store, tmp_path: Path) -> None:
    needs_renderer()
    _, pdf = await rendered(store, tmp_path / "en", "en")
    texts = page_texts(pdf)
    assert sum(b[0] for b in PAGES.values()) <= len(texts) <= sum(b[1] for b in PAGES.values())
    for n, text in enumerate(texts, 1):
        assert not NEVER.search(text), (n, NEVER.search(text))
        if n > 1:
            assert "Recorded by:" in text and "Committee secretary (signature):" in text, n
    everything = "".join("".join(texts).split())
    for word in ("Partyorganisationledger", "Contents", "Taughtby", "Resolutionsandvotes", "Q12026", "√"):
        assert word in everything, word
