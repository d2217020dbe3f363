"""Render an Excel ledger (台账-….xlsx) to PDF with LibreOffice, to see it as it prints.

Run: `.venv/bin/python scripts/ledger_pdf.py WORKBOOK.xlsx [OUT_DIR]` (OUT_DIR defaults to the workbook's folder).
Get a workbook with `python -m bot export DIR` (or /export in the bot). Needs LibreOffice (`soffice` on the
PATH, or its path in SOFFICE); without it the script says so and exits with code 2. Then open the PDF and look:
one page wide in landscape A4, the header row on every page, the unit and the date range at the top, the charts of
the 统计 sheet drawn.

LibreOffice runs with a profile of its own in a temporary folder, so it neither needs nor touches the user's, and
can run beside a LibreOffice that is already open.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NO_LIBREOFFICE = 2


def soffice() -> str | None:
    return os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def render(workbook: Path, out_dir: Path, timeout: float = 180) -> Path:
    """The PDF LibreOffice makes of `workbook` in `out_dir`; RuntimeError when there is no LibreOffice."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zhibu-soffice-") as profile:
        subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(workbook),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
    pdf = out_dir / (workbook.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice made no {pdf.name}")
    return pdf


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 1
    workbook = Path(argv[0])
    out_dir = Path(argv[1]) if len(argv) > 1 else workbook.parent
    if soffice() is None:
        print("LibreOffice (soffice) is not installed: nothing rendered.", file=sys.stderr)
        return NO_LIBREOFFICE
    print(render(workbook, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
