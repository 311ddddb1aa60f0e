# The same `mockserver serve` command that `make run` and the test suite start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY mockserver ./mockserver
# fixtures and specs are package data (mockserver/fixtures, mockserver/openapi); bytecode and the specs' parsed
# copies are made here, so no start of the container compiles modules or parses YAML specs again
ENV MOCKSERVER_CACHE_DIR=/app/.cache
RUN pip install --no-cache-dir -e . && useradd --create-home --uid 10001 mock \
  && python -m compileall -q mockserver \
  && python -c "from mockserver.core.contract import load_contract as load; from pathlib import Path; [load(p) for p in Path('mockserver/openapi').glob('*.yaml')]"
USER mock

# the main port, then one per vendor at its port_offset (room for nine; a test checks the registry fits)
EXPOSE 8080-8089
# slim images have no curl: the health check is a Python one-liner
HEALTHCHECK --interval=10s --timeout=3s --start-period=3s --start-interval=1s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/_mock/health', timeout=2).status == 200 else 1)"

CMD ["mockserver", "serve", "--host", "0.0.0.0", "--port", "8080"]
