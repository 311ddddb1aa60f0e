# The same `mockserver serve` that `make run` starts, from the wheel a user installs (tests/core/test_image.py
# checks these facts against the code).

# -- build: the wheel (the default fixtures and specs are its package data) --------------------------------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY mockserver ./mockserver
RUN pip wheel --no-cache-dir --no-deps -w /dist .

# -- runtime ------------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# tini as PID 1 passes SIGTERM on from the container's first instant (a Python PID 1 would ignore it until
# the server has installed its handler)
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# every transitive version from the lock, in a layer of its own: a code change does not reinstall them
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock && rm /tmp/requirements.lock
# the specs' parsed copies are made here, so no start of the container parses a YAML spec again
ENV MOCKSERVER_CACHE_DIR=/opt/mockserver/cache
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir --no-deps /tmp/dist/mockserver-*.whl && rm -rf /tmp/dist \
  && python -c "from mockserver.settings import OPENAPI_DIR; from mockserver.core.contract import load_contract; [load_contract(p) for p in OPENAPI_DIR.glob('*.yaml')]" \
  && useradd --create-home --uid 10001 mock
USER 10001

# `serve` reads HOST, PORT and every MOCKSERVER_* variable (mockserver/settings.py): no flags here to override them
ENV HOST=0.0.0.0 PORT=8080
# the main port, then one per vendor at its port offset (the registry's)
EXPOSE 8080-8085
# `mockserver health` asks http://127.0.0.1:$PORT/_mock/health (unguarded by a control token); start is ~0.5 s
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --start-interval=1s --retries=3 \
  CMD ["mockserver", "health"]
ENTRYPOINT ["tini", "--"]
CMD ["mockserver", "serve"]
