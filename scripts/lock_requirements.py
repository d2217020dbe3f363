"""Write `requirements.lock`: every runtime dependency of pyproject.toml (and setuptools, which builds the bot),
pinned to one version with the SHA-256 of every file PyPI has for it. The Dockerfile installs from it with
`pip install --require-hashes`, so an image built next year gets the same packages, byte for byte, or fails.

Run after changing `dependencies` in pyproject.toml, or to take newer releases:

    python3 -m venv /tmp/piptools && /tmp/piptools/bin/pip install 'pip-tools==7.7.*'
    .venv/bin/python scripts/lock_requirements.py --pip-compile /tmp/piptools/bin/pip-compile [--upgrade]

It asks PyPI itself (https://pypi.org/simple), whatever pip is configured with on this machine (local mirrors and
wheel folders hold files whose hashes are not PyPI's), and runs with the Python of the image (3.11).
`tests/ops/test_deploy.py` checks that the lock pins every dependency with hashes and that the Dockerfile uses it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INDEX = "https://pypi.org/simple"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pip-compile", default="pip-compile", help="the pip-compile of pip-tools 7.x")
    parser.add_argument("--upgrade", action="store_true", help="take the newest releases the ranges allow")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no local index, wheel folder or constraints of this machine
    command = [
        args.pip_compile,
        "--quiet",
        "--generate-hashes",
        "--allow-unsafe",  # setuptools too: the image builds the bot without fetching anything unpinned
        "--all-build-deps",
        "--strip-extras",
        "--no-emit-index-url",
        f"--index-url={INDEX}",
        "--output-file=requirements.lock",
        *(["--upgrade"] if args.upgrade else []),
        "pyproject.toml",
    ]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
