# Zhibu (支部) in a container: slim Python, a non-root user, the database (and its backups) on a volume.
#   docker build -t zhibu .
#   docker run -d --name zhibu --restart on-failure --env-file .env -v zhibu-data:/app/data zhibu
#   docker exec zhibu zhibu health                  # exit 1 when the sweep is late or the last backup failed
# The container's stop timeout (docker stop -t, default 10 s) is above the sender's 2 s grace.
#
# Reproducible: the packages come from requirements.lock, every one pinned with the SHA-256 of its files on PyPI
# (`pip install --require-hashes`; scripts/lock_requirements.py writes it), and the bot is built from them with
# nothing fetched besides. The base image is named by tag: pin it by digest where you build, with the digest your
# registry gives (`docker buildx imagetools inspect python:3.11-slim`, then `FROM python:3.11-slim@sha256:…`).
# It is not pinned here because the digest could not be looked up and checked when this was written.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/app/data/zhibu.sqlite3

RUN groupadd --system zhibu && useradd --system --gid zhibu --home-dir /app --shell /usr/sbin/nologin zhibu

WORKDIR /app
# The dependencies first (their own layer: rebuilt only when the lock changes), each file checked against its hash.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
# Installed as a package (not editable), the way .ci/wheel-check tests it: the catalogues, migrations and demo data
# travel inside it, and the source copy is removed so that only the installed bot runs. Built with the locked
# setuptools, offline: nothing unpinned comes in.
RUN pip install --no-index --no-deps --no-build-isolation . && pip check \
    && rm -rf /app/bot /app/locales /app/build /app/requirements.lock \
    && mkdir -p /app/data && chown zhibu:zhibu /app/data && chmod 0700 /app/data

USER zhibu
# The database, the daily backups (data/backups) and, with LOG_FILE=data/zhibu.log, the log.
VOLUME ["/app/data"]
STOPSIGNAL SIGTERM
# "unhealthy" when the reminder sweep is late or the last backup failed (the first sweep runs within 10 s).
HEALTHCHECK --interval=5m --timeout=30s --start-period=2m CMD ["zhibu", "health"]
CMD ["zhibu", "run"]
