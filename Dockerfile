# Jindu: one image for `jindu worker`, `jindu api` and `jindu migrate`.
# Installs the project without the `dev` extra: no Temporal dev server or embedded
# PostgreSQL binaries; production uses a Temporal cluster and a real PostgreSQL.
#   docker build -t jindu:0.1.0 .

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml cli.py worker.py ./
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY store store
COPY api api
COPY jindu jindu
COPY web web
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin jindu \
    && mkdir -p /var/lib/jindu && chown 10001 /var/lib/jindu  # the data dir: attachments (docs/attachments.md)
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-compile /wheels/*.whl && rm -rf /wheels
WORKDIR /tmp
USER 10001
ENV PYTHONUNBUFFERED=1 \
    JINDU_DATA_DIR=/var/lib/jindu \
    JINDU_LOG_JSON=true \
    JINDU_API_HOST=0.0.0.0 \
    JINDU_API_PORT=8000
EXPOSE 8000
ENTRYPOINT ["jindu"]
CMD ["api"]
