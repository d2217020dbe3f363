"""Issue 18: the catalogues and demo data travel with the package, the catalogues are checked before the
bot starts, and an error in the sandbox surfaces as itself. (.ci/wheel-check installs the wheel.)"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import bot
from bot import cli, i18n

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_under_bot_is_built() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "bot").rglob("*.py") if "__pycache__" not in p.parts
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    assert "bot.locales" in listed


def test_version_is_the_one_in_pyproject() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert bot.version() == declared
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0


def test_changelog_names_the_version() -> None:
    """The version moves with CHANGELOG.md: released as `## [X.Y.Z] - date`, or announced under Unreleased."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(
        rf"^(## \[{re.escape(declared)}\] - \d{{4}}-\d{{2}}-\d{{2}}|Toward {re.escape(declared)}:)", changelog, re.M
    )


@pytest.mark.slow
def test_catalogues_load_from_a_zip(tmp_path: Path) -> None:
    """importlib.resources finds `bot.locales` inside a zip just as in a wheel."""
    archive = tmp_path / "zhibu.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (ROOT / "bot").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(ROOT).as_posix())
        for path in (ROOT / "locales").rglob("*.toml"):
            zf.write(path, "bot/locales/" + path.relative_to(ROOT / "locales").as_posix())
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bot, bot.i18n as i; "
        "assert bot.__file__.startswith(sys.argv[1]), bot.__file__; "
        "print(i.check_catalogues(), i.t('zh', 'cmd.start'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(archive)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    count, text = done.stdout.split(" ", 1)
    assert int(count) == len(i18n.catalogue("zh")) and text.strip() == i18n.t("zh", "cmd.start")


@pytest.fixture
def broken_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for lang in i18n.LANGUAGES:
        (tmp_path / lang).mkdir()
        for path in (ROOT / "locales" / lang).glob("*.toml"):
            (tmp_path / lang / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(i18n, "locales_root", lambda: tmp_path)
    i18n.catalogue.cache_clear()
    yield tmp_path
    i18n.catalogue.cache_clear()


def test_a_key_missing_in_one_language_stops_the_start(
    broken_locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    core = broken_locales / "en" / "core.toml"
    core.write_text(core.read_text("utf-8") + '\nonly_in_en = "x"\n', "utf-8")
    assert cli.main(["sandbox", "--script", "/nonexistent"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "only_in_en" in err[0] and err[0].startswith("zhibu: cannot start")


def test_different_placeholders_stop_the_start(broken_locales: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(i18n.CatalogueError, match="placeholders"):
        core = broken_locales / "zh" / "core.toml"
        text = core.read_text("utf-8").replace('nothing_to_cancel = "', 'nothing_to_cancel = "{who}', 1)
        core.write_text(text, "utf-8")
        i18n.check_catalogues()
    assert cli.main(["run"]) == 2
    assert "nothing_to_cancel" in capsys.readouterr().err


def test_a_missing_or_unreadable_catalogue_is_one_clear_line(
    broken_locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (broken_locales / "en" / "core.toml").write_text("this is = = not toml", "utf-8")
    assert cli.main(["run"]) == 2
    assert "en/core.toml" in capsys.readouterr().err
    for path in (broken_locales / "en").iterdir():
        path.unlink()
    i18n.catalogue.cache_clear()
    with pytest.raises(i18n.CatalogueError, match="no message catalogue for 'en'"):
        i18n.check_catalogues()


def test_an_error_in_the_sandbox_surfaces_as_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real exception and one clear line last; the application is shut down (no "still running")."""
    import bot.app

    def broken(app: object, services: object) -> None:
        raise LookupError("the command menu could not be built")

    monkeypatch.setattr(bot.app.ops_health, "schedule", broken)  # a step of the start-up
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    script = tmp_path / "s.txt"
    script.write_text(":as 彭国华\n/help\n", "utf-8")
    assert cli.main(["sandbox", "--script", str(script)]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last == "zhibu sandbox: stopped by LookupError: the command menu could not be built"
    assert "still running" not in err
