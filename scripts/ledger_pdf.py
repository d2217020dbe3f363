"""Render an Excel ledger (台账-….xlsx) to PDF with LibreOffice, to see it as it prints.

Run: `.venv/bin/python scripts/ledger_pdf.py WORKBOOK.xlsx [OUT_DIR]` (OUT_DIR defaults to the workbook's folder).
Get a workbook with `python -m bot export DIR` (or `python -m bot export DIR --pdf`, which renders it the same way,
or /export pdf in the bot). Needs LibreOffice (`soffice` on the PATH, or its path in SOFFICE; scripts/ci-libreoffice
installs it with CJK fonts on Debian); without it the script says so and exits with code 2. Then look at the pages:
`pdftoppm -r 60 -png LEDGER.pdf page` makes a PNG of each.

The rendering is the bot's own (`bot.services.exports.pdf`): LibreOffice headless, a profile of its own in a temporary
folder, 宋体 printed in a CJK serif, a time limit.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.services.exports.pdf import render_pdf, soffice

NO_LIBREOFFICE = 2


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 1
    workbook = Path(argv[0])
    out_dir = Path(argv[1]) if len(argv) > 1 else workbook.parent
    if soffice() is None:
        print("LibreOffice (soffice) is not installed: nothing rendered.", file=sys.stderr)
        return NO_LIBREOFFICE
    rendered = asyncio.run(render_pdf(workbook, out_dir))
    if rendered.path is None:
        print(f"No PDF: LibreOffice {rendered.problem}.", file=sys.stderr)
        return 1
    print(rendered.path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
