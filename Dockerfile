# Coverwatch API image: gunicorn serving wsgi:app as a non-root user, runtime dependencies only.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/coverwatch-metrics

WORKDIR /app
# Pango and a font for WeasyPrint (the PDFs of the benefits sheet and the VOB record).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --system --uid 10001 --home-dir /app coverwatch
COPY --chown=coverwatch:coverwatch wsgi.py gunicorn.conf.py alembic.ini payers.yaml ./
COPY --chown=coverwatch:coverwatch service ./service
COPY --chown=coverwatch:coverwatch payers ./payers
COPY --chown=coverwatch:coverwatch schemas ./schemas
RUN mkdir -p /app/instance && chown coverwatch:coverwatch /app/instance

USER coverwatch
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

# Run migrations as a release step: docker run --rm IMAGE flask --app wsgi db upgrade
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
