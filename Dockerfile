# Baromètre numérique — production image: the package installed as a wheel, served by gunicorn.
#
#   docker build -t barometre .
#   docker run -p 8050:8050 -v barometre-data:/data barometre
#   docker run --rm -v barometre-data:/data barometre barometre demo --if-empty   # demo data
#
# Settings are BAROMETRE_* environment variables (see README.md).

# Stage 1: build the wheel from pyproject.toml, README.md and src/ only (see .dockerignore), so
# that no source tree ends up in the final image. The build tools are the locked ones (checked
# against their hashes), not whatever build isolation would fetch.
FROM python:3.11.14-slim-bookworm AS wheel
WORKDIR /build
COPY requirements/run.txt requirements/run.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/run.txt
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels .

# Stage 2: the runtime image.
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BAROMETRE_DATA_DIR=/data

# A fixed, unprivileged user that owns the data folder and nothing else.
RUN groupadd --system --gid 10001 barometre \
    && useradd --system --uid 10001 --gid barometre --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin barometre \
    && install --directory --owner=barometre --group=barometre --mode=0750 /data

# The locked dependencies, each checked against its hashes, then the package without any: the
# image holds exactly what CI tested (requirements/run.txt, make lock).
COPY requirements/run.txt /tmp/requirements.txt
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.txt \
    && pip install --no-cache-dir --no-deps /tmp/wheels/barometre-*.whl \
    && rm -rf /tmp/wheels /tmp/requirements.txt

# Declared after the chown above, so that a new named volume starts owned by the user.
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8050

# No curl in the slim image: Python's urllib asks <url_prefix>healthz (JSON, 503 when the store is
# unreachable), the prefix read by the package's own Settings so that it matches the app's.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; from barometre.config import Settings; url = 'http://127.0.0.1:8050' + Settings.from_env().url_prefix + 'healthz'; sys.exit(urllib.request.urlopen(url, timeout=4).status != 200)"]

# `init` is idempotent (creates or migrates the schema, syncs the catalogue), so every start runs it.
CMD ["sh", "-c", "barometre init && exec barometre serve --host 0.0.0.0 --port 8050"]
