"""The sandbox plays a scripted conversation against the emulator and prints the transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_sandbox_script_prints_the_conversation(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(":as 陌生人\n/help\n:as 彭国华\n/help\n/lang en\n/invite 张金花\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_PATH")}
    result = subprocess.run([sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "陌生人 › /help" in out and "还没有登记" in out
    assert "书记专用" in out and "/invite" in out
    assert "OK, I will speak English" in out
    assert "Personal invite link for 张金花" in out and "https://t.me/zhibu_bot?start=" in out
    assert not list(tmp_path.glob("**/*.sqlite3"))  # the sandbox keeps its database in a temporary folder
