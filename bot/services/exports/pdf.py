"""The ledger workbook as a PDF (issue 29): `/export pdf` and `python -m bot export DIR --pdf` have LibreOffice
(headless) print the 台账 to PDF when the server has it, as a print shop would print the workbook.

LibreOffice runs as a child process in a session of its own, with a profile of its own in a private temporary folder
(so it neither needs nor touches anyone's, and can run beside a LibreOffice already open), under a time limit: past
it the whole process group is killed. The ledger's font (宋体; Calibri in English) is resolved through a font
configuration of its own (a CJK serif; Calibri's metric twin or a CJK sans), so the server prints in the shapes
and widths the sheets were laid out for (`bot.services.kernel.xlsx_book.PAGE_UNITS`). Without LibreOffice nothing
is rendered and the caller says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds LibreOffice may take (a workbook of a big community prints thousands of attendance lines).
PDF_TIMEOUT = 300.0
#: The fonts a ledger's font may be printed in, best first: 宋体 (the Chinese ledger's) in a CJK serif, Calibri (the
#: English one's) in its metric twin or a CJK sans (Debian's fonts-noto-cjk has the Noto ones). A font of narrower
#: digits than the fallback (DejaVu Sans) keeps the columns as wide as the sheets were laid out for.
SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN", "Noto Sans CJK SC", "WenQuanYi Zen Hei")
SANS = ("Carlito", "Liberation Sans", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
ALIASES = {"宋体": SERIF, "SimSun": SERIF, "NSimSun": SERIF, "新宋体": SERIF, "Calibri": SANS, "Arial": SANS}
_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""


def soffice() -> str | None:
    """LibreOffice's program: `SOFFICE` when set (and a program), else `soffice` or `libreoffice` on the PATH."""
    chosen = os.environ.get("SOFFICE")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass(frozen=True)
class Rendered:
    """What became of a PDF asked for: its path, or why there is none (`missing`: no LibreOffice on this server;
    `timeout`: it took longer than `PDF_TIMEOUT`; `failed`: LibreOffice made none)."""

    path: Path | None
    problem: str | None = None


def _fonts_conf(folder: Path) -> Path:
    aliases = "\n".join(
        f'  <alias binding="same"><family>{family}</family><prefer>'
        + "".join(f"<family>{name}</family>" for name in names)
        + "</prefer></alias>"
        for family, names in ALIASES.items()
    )
    path = folder / "fonts.conf"
    path.write_text(_FONTS.format(aliases=aliases), encoding="utf-8")
    return path


async def render_pdf(workbook: Path, out_dir: Path | None = None, seconds: float = PDF_TIMEOUT) -> Rendered:
    """Print `workbook` to `<its name>.pdf` in `out_dir` (the workbook's folder by default)."""
    program = soffice()
    if program is None:
        return Rendered(None, "missing")
    out = out_dir or workbook.parent
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    pdf = out / (workbook.stem + ".pdf")
    with tempfile.TemporaryDirectory(prefix="zhibu-soffice-") as folder:
        profile = Path(folder)
        env = {**os.environ, "FONTCONFIG_FILE": str(_fonts_conf(profile)), "HOME": str(profile)}
        process = await asyncio.create_subprocess_exec(
            program,
            f"-env:UserInstallation={profile.as_uri()}/profile",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(workbook),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group: a timeout ends LibreOffice's helpers too
        )
        try:
            _, errors = await asyncio.wait_for(process.communicate(), seconds)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            log.warning("ledger pdf timed out after %.0fs", seconds)
            return Rendered(None, "timeout")
    if process.returncode != 0 or not pdf.exists():
        log.warning("ledger pdf failed rc=%s: %s", process.returncode, errors.decode(errors="replace")[-300:])
        return Rendered(None, "failed")
    pdf.chmod(0o600)
    return Rendered(pdf)


async def ledger_pdfs(files: Sequence[Path], seconds: float = PDF_TIMEOUT) -> list[Rendered]:
    """The PDF of each workbook among an export's files (beside it; two in January: the year just closed and this
    one), in their order; one failure when there is none. Each stops at the first problem: the next would meet it
    too (no LibreOffice, a timeout)."""
    books = [p for p in files if p.suffix == ".xlsx"]
    if not books:
        return [Rendered(None, "failed")]
    out: list[Rendered] = []
    for book in books:
        out.append(await render_pdf(book, seconds=seconds))
        if out[-1].problem is not None:
            break
    return out
