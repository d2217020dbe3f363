"""Running it for years (issue 16, items 5 and 6): the systemd unit passes `systemd-analyze verify` and says what
the README promises, the Dockerfile runs as a non-root user with the database on a volume, and LOG_FILE gives a
size-rotated log file readable by its owner only."""

from __future__ import annotations

import configparser
import logging
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import Settings
from bot.ops.logs import configure
from bot.runtime.delivery import STOP_GRACE

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "zhibu.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT, encoding="utf-8")
    return parser


def seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)\s*(s|min)?", value.strip())
    assert match, value
    return float(match.group(1)) * (60 if match.group(2) == "min" else 1)


def test_the_unit_restarts_on_failure_as_its_own_user_and_stops_within_the_grace() -> None:
    service = unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] not in ("", "root") and service["Group"] == service["User"]
    assert service["WorkingDirectory"].startswith("/")
    assert service["EnvironmentFile"] == service["WorkingDirectory"] + "/.env"
    assert service["ExecStart"].endswith("-m bot run")
    assert seconds(service["TimeoutStopSec"]) > STOP_GRACE * 5  # the sender's grace, and room for a slow answer
    assert service["KillSignal"] == "SIGTERM"
    assert service["ReadWritePaths"] == service["WorkingDirectory"] + "/data"  # the database's default folder
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.slow
def test_systemd_analyze_verify_finds_nothing_wrong(tmp_path: Path) -> None:
    """The unit as installed, with its paths moved under tmp_path (the real ones do not exist here) and the
    interpreter running these tests: `verify` must print nothing at all (it reports bad values as warnings
    and still exits 0, so its output is what is checked)."""
    (tmp_path / "data").mkdir()
    (tmp_path / ".env").write_text("BOT_TOKEN=\n")
    text = UNIT.read_text(encoding="utf-8")
    text = text.replace("/opt/zhibu/.venv/bin/python", sys.executable).replace("/opt/zhibu", str(tmp_path))
    installed = tmp_path / "zhibu.service"
    installed.write_text(text, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(installed)], capture_output=True, text=True, timeout=60)
    if "Failed to" in result.stderr and "bus" in result.stderr.lower():
        pytest.skip(f"systemd-analyze cannot run here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), result.stderr
    broken = tmp_path / "broken.service"
    broken.write_text(text.replace("Restart=on-failure", "Restart=sometimes"), encoding="utf-8")
    complaint = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60)
    assert "restart" in complaint.stderr.lower()  # the check above would see a mistake


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_unit_is_sandboxed_to_an_exposure_of_three_or_less(tmp_path: Path) -> None:
    """`systemd-analyze security` on the unit file alone (issue 30 item 11): 8.5 before the sandbox, 1.1 now."""
    installed = tmp_path / "zhibu.service"
    installed.write_text(UNIT.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(installed)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("this systemd-analyze cannot analyse a unit file offline (systemd < 250)")
    found = re.search(r"Overall exposure level for zhibu\.service: (\d+\.\d)", result.stdout)
    assert found is not None, result.stdout[-500:] + result.stderr[-500:]
    assert float(found.group(1)) <= 3.0
    service = unit()["Service"]
    assert service["CapabilityBoundingSet"] == "" and service["RestrictAddressFamilies"] == "AF_INET AF_INET6 AF_UNIX"
    assert service["MemoryDenyWriteExecute"] == service["LockPersonality"] == service["PrivateDevices"] == "true"


def test_the_dockerfile_runs_unprivileged_with_the_database_on_a_volume() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.1[1-9]-slim", text, re.M)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    volume = re.search(r'^VOLUME \["([^"]+)"\]', text, re.M)
    assert volume is not None
    database = re.search(r"DATABASE_PATH=(\S+)", text)
    assert database is not None and database.group(1).startswith(volume.group(1) + "/")
    assert 'CMD ["zhibu", "run"]' in text
    assert re.search(r"^RUN pip install [-\w ]*\. ", text, re.M)  # the package, as built
    assert re.search(r'^HEALTHCHECK .*CMD \["zhibu", "health"\]', text, re.M)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", "data", ".venv", "*.sqlite3"} <= set(ignored)  # never the token or the database in the image


def test_log_file_rotates_by_size_and_is_the_owners_only(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        log_file=tmp_path / "logs" / "zhibu.log",
        log_max_bytes=2000,  # type: ignore[call-arg]
        log_backups=2,
    )
    logger = logging.getLogger("tests.ops.rotation")
    logger.propagate = False
    handler = configure(settings, logging.INFO, root=logger)
    try:
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        for number in range(200):
            logger.info("outbox=%s member=%s sent", number, number % 7)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["zhibu.log", "zhibu.log.1", "zhibu.log.2"]
    assert all((tmp_path / "logs" / name).stat().st_size <= 2000 for name in files)
    assert (tmp_path / "logs" / "zhibu.log").stat().st_mode & 0o077 == 0
    last = (tmp_path / "logs" / "zhibu.log").read_text(encoding="utf-8").splitlines()[-1]
    assert re.fullmatch(r"\S+ \S+ INFO tests\.ops\.rotation: outbox=199 member=3 sent", last)


def test_without_log_file_the_log_goes_to_stderr() -> None:
    logger = logging.getLogger("tests.ops.stderr")
    logger.propagate = False
    handler = configure(Settings(_env_file=None), logging.INFO, root=logger)  # type: ignore[call-arg]
    try:
        assert type(handler) is logging.StreamHandler and handler.stream is sys.stderr
    finally:
        logger.removeHandler(handler)


def test_the_image_installs_from_a_lock_with_a_hash_for_every_package() -> None:
    """Issue 30 item 11: every runtime dependency of pyproject.toml, and setuptools that builds the bot, pinned to
    one version with hashes; the Dockerfile installs from it with --require-hashes and builds the bot offline."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", lock, re.M))
    blocks = re.split(r"^(?=[A-Za-z0-9_.-]+==)", lock, flags=re.M)[1:]
    assert blocks and all("--hash=sha256:" in block for block in blocks)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {re.split(r"[\[<>=!~ ]", dep, maxsplit=1)[0].lower().replace("_", "-") for dep in project["dependencies"]}
    assert wanted | {"setuptools"} <= {name.lower().replace("_", "-") for name in pins}
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes --no-deps -r requirements.lock" in docker
    assert "--no-index --no-deps --no-build-isolation ." in docker
    assert not re.search(r"^RUN pip install \.(\s|$)", docker, re.M)  # nothing resolved at build time
