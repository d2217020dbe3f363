"""Write the migration that cleans stored member and unit names by `clean_text`'s rules (issue 30 item 8).

Run: `.venv/bin/python scripts/clean_names_migration.py [OUT.sql]` (default: the `*_clean_names.sql` migration in
`bot/store/migrations/`). The characters are every assigned code point that `bot.services.kernel.text.invisible`
is true for, but the zero width joiner (kept inside an emoji) and the variation selectors (kept after their
character), as Python's `unicodedata` knows them. `tests/test_migrations_names.py` checks that the migration holds
exactly that list; a migration that has been released must not change, so after a Unicode upgrade that adds
characters, write a new migration with this script rather than rewriting the old one.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from bot.services.kernel import text

#: Characters per statement: SQLite's parser takes nested calls only so deep (a little over 25 here).
CHUNK = 20
MIGRATIONS = Path(__file__).resolve().parents[1] / "bot" / "store" / "migrations"


def characters() -> list[int]:
    """The code points the migration removes, in order."""
    found = {ord(c) for c in text.INVISIBLE} | {
        c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp")
    }
    return [
        c
        for c in sorted(found)
        if unicodedata.category(chr(c)) != "Cn" and chr(c) not in text.VARIATION and chr(c) != text.ZWJ
    ]


def _cleaned(column: str, chunk: list[int]) -> str:
    expr = column
    for c in chunk:
        expr = f"replace({expr}, char({c}), '')"
    return f"trim({expr})"


def _glob(chunk: list[int]) -> str:
    return "'*[' || char(" + ", ".join(str(c) for c in chunk) + ") || ']*'"


def migration() -> str:
    cps = characters()
    version, count = unicodedata.unidata_version, len(cps)
    header = "\n".join(
        [
            "-- Names are compared after cleaning (issue 30 item 8): `clean_text` now removes every character",
            "-- shown as nothing (bidi marks such as U+200E/U+200F/U+061C, the soft hyphen, U+3164 and U+2800, tag",
            "-- characters, U+2028/U+2029, U+034F, format characters…). Member and unit names stored before were",
            "-- cleaned by an older, shorter list; they are cleaned here by the same rules, so that a name typed",
            "-- today finds the member imported yesterday and a roster import does not create a second 张三 beside",
            "-- 张\\u200e三.",
            "--",
            "-- The characters: every assigned code point that `bot.services.kernel.text.invisible` is true for,",
            "-- but the zero width joiner (kept inside an emoji, as clean_text keeps it) and the variation selectors",
            f"-- (kept after their character), as of Unicode {version}: {count} code points, in the char(…) lists",
            f"-- below, {CHUNK} to a statement (SQLite's parser takes no deeper nesting). Written by",
            "-- scripts/clean_names_migration.py; tests/test_migrations_names.py checks the lists. Not by hand.",
            "--",
            "-- A name that would be left empty stays as it is (someone must look at it); a unit whose cleaned name",
            "-- another unit under the same parent has stays as it is too (the roster names both, and the",
            "-- secretary chooses).",
            "",
        ]
    )
    parts = [header]
    for i in range(0, len(cps), CHUNK):
        chunk = cps[i : i + CHUNK]
        parts.append(f"""
UPDATE members SET name = {_cleaned("name", chunk)}
WHERE name GLOB {_glob(chunk)} AND {_cleaned("name", chunk)} <> '';

UPDATE units SET name = {_cleaned("name", chunk)}
WHERE name GLOB {_glob(chunk)} AND {_cleaned("name", chunk)} <> ''
  AND NOT EXISTS (
      SELECT 1 FROM units AS other
      WHERE COALESCE(other.parent_id, 0) = COALESCE(units.parent_id, 0)
        AND other.name = {_cleaned("units.name", chunk)}
  );
""")
    return "".join(parts)


def main() -> None:
    if len(sys.argv) > 1:
        out = Path(sys.argv[1])
    else:
        found = sorted(MIGRATIONS.glob("*_clean_names.sql"))
        after = max((int(p.name[:4]) for p in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql")), default=0) + 1
        out = found[0] if found else MIGRATIONS / f"{after:04d}_clean_names.sql"
    out.write_text(migration(), encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
