# One image for the Rasa server, the action server and the retention command.
# Build:  docker build -t vraagbaak .
# Run:    see docker-compose.yml and docs/deploy.md (production profile).
#
# The image trains the model while it is built, from the same files and the same
# commands as `make train`, so the model always matches data/ and config.yml.
FROM python:3.10-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONHASHSEED=0 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    LOG_LEVEL=INFO \
    LOG_LEVEL_LIBRARIES=ERROR

WORKDIR /app

# Dependencies first (cached as long as the pins do not change).
COPY requirements.txt constraints.txt pyproject.toml ./
RUN pip install -c constraints.txt -r requirements.txt

# The project itself; copied file by file so local venvs, models and logs stay out.
COPY actions ./actions
COPY bot ./bot
COPY knowledge ./knowledge
COPY data ./data
COPY config.yml ./
COPY scripts ./scripts
RUN pip install --no-deps -e . \
 && python scripts/build_spacy_nl.py .build/spacy_nl \
 && rasa train --config config.yml --domain bot/domain.yml --data data \
      --out models --fixed-model-name vraagbaak \
 && vraagbaak check \
 && rm -rf "$HOME/.cache" .rasa

# Run as an unprivileged user; the app only needs to read its files.
RUN useradd --system --uid 10001 --home /app vraagbaak && mkdir -p /app/logs && chown vraagbaak /app/logs
USER vraagbaak

EXPOSE 5005 5055

# Default: a Rasa server with the production profile. Every ${...} variable of
# bot/endpoints.production.yml must be set (docker-compose.yml does that).
CMD ["python", "-m", "bot.launcher", "run", "--model", "models/vraagbaak.tar.gz", \
     "--endpoints", "bot/endpoints.production.yml", "--credentials", "bot/credentials.yml", \
     "-p", "5005", "-i", "0.0.0.0"]
