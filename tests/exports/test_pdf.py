"""`/export [YYYY] [pdf]` and `python -m bot export DIR --pdf` (issue 29): the ledger printed to PDF by LibreOffice
when the server has it, said plainly when it has not (or when it fails or takes too long), and left out with a clear
answer when it is over Telegram's upload limit. LibreOffice here is a stand-in script that records how it was run
(the real one renders in tests/exports/test_xlsx_render.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import cli
from bot.domain.results import Reply
from bot.services.exports import export as export_service
from bot.services.exports.export import EXPORTS, FIRST_YEAR, ExportAsk, export_ask
from bot.services.exports.pdf import Rendered, render_pdf, soffice
from bot.store import Store
from tests.support.harness import SECRETARY, SMALL_ROSTER, Harness, load_roster
from tests.support.xlsx_data import NOW, seed

#: A stand-in for soffice: writes `<stem>.pdf` into --outdir with how it was run (its arguments, the fonts it was
#: given), `PAD` bytes long; or fails, or hangs with a child of its own, as FAKE_MODE says.
FAKE = """#!/bin/sh
out=""; book=""
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift ;;
    -env:*) profile="$1" ;;
    --*) ;;
    *) book="$1" ;;
  esac
  shift
done
case "$FAKE_MODE" in
  fail) echo "conversion failed" >&2; exit 1 ;;
  hang) sleep 30 & echo $! > "$FAKE_CHILD"; wait; exit 0 ;;
esac
name=$(basename "$book" .xlsx)
{ echo "%PDF-1.4 $profile"; cat "$FONTCONFIG_FILE"; head -c "${PAD:-0}" /dev/zero | tr '\\0' 'x'; } > "$out/$name.pdf"
"""


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    program = tmp_path / "bin" / "soffice"
    program.parent.mkdir()
    program.write_text(FAKE)
    program.chmod(0o755)
    monkeypatch.setenv("SOFFICE", str(program))
    return program


@pytest.fixture
def no_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOFFICE", str(tmp_path / "nowhere" / "soffice"))  # set, but not a program


def running(pid: int) -> bool:
    """Whether a process runs (a killed one may linger as a zombie until its new parent reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


# ------------------------------------------------------------------------- rendering
async def test_without_libreoffice_nothing_is_rendered(no_soffice: None, tmp_path: Path) -> None:
    assert soffice() is None
    assert await render_pdf(tmp_path / "a.xlsx") == Rendered(None, "missing")


async def test_libreoffice_runs_headless_in_a_profile_of_its_own(fake_soffice: Path, tmp_path: Path) -> None:
    book = tmp_path / "台账-一村党支部-2026-11-20.xlsx"
    book.write_bytes(b"PK")
    done = await render_pdf(book, tmp_path / "out")
    assert done.problem is None and done.path == tmp_path / "out" / "台账-一村党支部-2026-11-20.pdf"
    text = done.path.read_text()
    assert text.startswith("%PDF-1.4 -env:UserInstallation=file:///") and "zhibu-soffice-" in text.split()[1]
    assert "<family>宋体</family><prefer><family>Noto Serif CJK SC</family>" in text  # 宋体 prints as a CJK serif
    assert done.path.stat().st_mode & 0o777 == 0o600
    assert not Path(text.split()[1].removeprefix("-env:UserInstallation=file://")).exists()  # the profile is gone


async def test_a_failed_or_hung_libreoffice_is_reported_and_ended(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "b.xlsx"
    book.write_bytes(b"PK")
    monkeypatch.setenv("FAKE_MODE", "fail")
    assert await render_pdf(book) == Rendered(None, "failed")
    monkeypatch.setenv("FAKE_MODE", "hang")
    monkeypatch.setenv("FAKE_CHILD", str(tmp_path / "child"))
    assert await render_pdf(book, seconds=1) == Rendered(None, "timeout")
    child = int((tmp_path / "child").read_text())
    for _ in range(200):  # the whole process group was killed, its helpers too (waiting for the kernel to say so)
        if not running(child):
            break
        await asyncio.sleep(0.01)
    assert not running(child)


# ------------------------------------------------------------------------- /export [YYYY] [pdf]
def test_the_words_after_export() -> None:
    assert export_ask("", 2026) == ExportAsk()
    assert export_ask("pdf", 2026) == ExportAsk(None, True)
    assert export_ask("2026 PDF", 2026) == ExportAsk(2026, True) == export_ask("pdf 2026年", 2026)
    assert export_ask(str(FIRST_YEAR), 2026) == ExportAsk(FIRST_YEAR)
    for wrong in (str(FIRST_YEAR - 1), "2027"):  # both sides of the years the ledger covers
        answer = export_ask(wrong, 2026)
        assert isinstance(answer, Reply) and answer.key == "export.err.year"
    answer = export_ask("pdff", 2026)
    assert isinstance(answer, Reply) and answer.key == "export.err.word" and answer.params["value"] == "pdff"


async def sent_files(harness: Harness, command: str, after: int = 0) -> tuple[list[str], list[str]]:
    """The documents /export sends, its closing message and the `after` messages that follow (then nothing)."""
    await seed(harness.store)
    harness.at(NOW)
    secretary = harness.user(SECRETARY)
    await secretary.send(command)
    await secretary.expect("正在导出")
    names: list[str] = []
    while (message := await secretary.next_message()).kind == "document":
        assert message.document_name is not None
        names.append(message.document_name)
    texts = [message.text] + [(await secretary.next_message()).text for _ in range(after)]
    await harness.nothing_more(secretary)
    return names, texts


async def test_export_pdf_sends_the_ledger_as_a_pdf_too(harness: Harness, fake_soffice: Path) -> None:
    names, texts = await sent_files(harness, "/export pdf")
    assert names[-2:] == ["台账-一村党支部-2026-11-20.xlsx", "台账-一村党支部-2026-11-20.pdf"]
    assert len(names) == len(EXPORTS) + 2 and f"共 {len(names)} 个文件" in texts[0]


async def test_without_libreoffice_the_secretary_is_told_plainly(harness: Harness, no_soffice: None) -> None:
    names, texts = await sent_files(harness, "/export 2026 pdf", after=1)
    assert names[-1] == "台账-一村党支部-2026-11-20.xlsx" and not any(n.endswith(".pdf") for n in names)
    assert "没有安装 LibreOffice" in texts[1] and "Excel 台账已经发给您了" in texts[1]


async def test_a_pdf_over_the_upload_limit_is_named_not_sent(
    harness: Harness, fake_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAD", "300000")
    monkeypatch.setattr(export_service, "UPLOAD_LIMIT", 200_000)  # over the CSV files and the workbook
    names, texts = await sent_files(harness, "/export pdf", after=1)
    assert not any(n.endswith(".pdf") for n in names) and names[-1].endswith(".xlsx")
    assert "太大" in texts[-1] and "台账-一村党支部-2026-11-20.pdf" in texts[-1]


async def test_a_wrong_word_gets_an_example(harness: Harness) -> None:
    secretary = harness.user(SECRETARY)
    await secretary.send("/export 打印")
    answer = await secretary.expect("看不懂")
    assert "「打印」" in answer.text and "/export pdf" in answer.text
    await secretary.send("/export 1999")
    assert "2020 年到" in (await secretary.expect("年份「1999」不对")).text


# ------------------------------------------------------------------------- the command line
async def cli_export(store: Store, out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    await load_roster(store, SMALL_ROSTER)
    monkeypatch.setattr("bot.services.exports.export.utcnow", lambda: NOW)
    settings = cli.Settings(bot_token="123456:TEST-TOKEN", database_path=store.db.path)
    return await cli.export(settings, out, pdf=True)


async def test_the_command_line_writes_the_pdf_beside_the_workbook(
    store: Store,
    tmp_path: Path,
    fake_soffice: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await cli_export(store, tmp_path / "out", monkeypatch) == 0
    assert (tmp_path / "out" / "台账-测试社区党委-2026-11-20.pdf").exists()
    assert "台账-测试社区党委-2026-11-20.pdf" in capsys.readouterr().out


async def test_the_command_line_says_when_it_cannot_make_the_pdf(
    store: Store, tmp_path: Path, no_soffice: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli_export(store, tmp_path / "out", monkeypatch) == 1
    assert (tmp_path / "out" / "台账-测试社区党委-2026-11-20.xlsx").exists()  # everything else is written
    assert not list((tmp_path / "out").glob("*.pdf"))
    assert "没有找到 LibreOffice" in capsys.readouterr().err
