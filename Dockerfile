# Netwerkkaart bot: multi-stage build, runs as a non-root user, database on a volume.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY core ./core
COPY storage ./storage
COPY prompts ./prompts
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -c constraints.txt .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 netwerkkaart \
 && mkdir /data && chown netwerkkaart /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NETWERKKAART_DB=/data/netwerkkaart.db \
    NETWERKKAART_TIMEZONE=Europe/Brussels
VOLUME ["/data"]
USER netwerkkaart
WORKDIR /home/netwerkkaart
# Run (README, Docker): docker run -d --name netwerkkaart --restart unless-stopped
#   --env-file netwerkkaart.env -v netwerkkaart-data:/data netwerkkaart
CMD ["python", "-m", "bot", "run"]
