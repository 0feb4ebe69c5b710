# syntax=docker/dockerfile:1
#
# SONIX RUSH AI — image for Docker, docker compose and Hugging Face Spaces (sdk: docker, port 7860).
#
# Stages
#   runtime-deps : /opt/venv from requirements.txt only (the serving runtime: no TensorFlow, no dev tools)
#   trainer      : /opt/venv-train from requirements-train.txt (TensorFlow), trains the content models
#                  with the README's command `python -m src.training.training_engine --type all`
#   runtime      : python:3.11-slim + /opt/venv + src/ + data/ + the trained model_artifacts/,
#                  non-root (uid 1000, as Hugging Face Spaces expect), `python -m src.main`
#
# The collaborative-filtering (CF) snapshot is NOT built here: `python -m src.main` builds it on the
# first start from the store (embedded SQLite seeded with the demo runners, or DATABASE_URL), then
# continuous training publishes new snapshots into model_artifacts/cf/ while serving. Because the
# content artifacts are present, `src.main` never tries to train, so the runtime needs no TensorFlow.
#
# Build:  docker build -t sonix-rush-ai .
# Run:    docker run --rm -p 7860:7860 sonix-rush-ai

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install -r /tmp/requirements.txt

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS trainer
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    MPLBACKEND=Agg
RUN python -m venv /opt/venv-train
COPY requirements.txt requirements-train.txt /tmp/
RUN /opt/venv-train/bin/pip install --upgrade pip \
 && /opt/venv-train/bin/pip install -r /tmp/requirements-train.txt
ENV PATH=/opt/venv-train/bin:$PATH
WORKDIR /app
COPY src/ src/
COPY data/ data/
# Epochs are a setting (TRAIN_EPOCHS, default 300; a build arg is an env var inside RUN);
# the command is the README's.
ARG TRAIN_EPOCHS=300
RUN python -m src.training.training_engine --type all \
 && ls model_artifacts/road model_artifacts/trail

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="SONIX RUSH AI" \
      org.opencontainers.image.description="Running-shoe recommender: questionnaire (content-based) and feed (collaborative)"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HOME=/home/user \
    HOST=0.0.0.0 \
    PORT=7860

# uid 1000: the user Hugging Face Spaces runs containers as.
RUN useradd --create-home --uid 1000 --shell /usr/sbin/nologin user

COPY --from=runtime-deps /opt/venv /opt/venv
WORKDIR /app
# data/ (the embedded SQLite store lives there) and model_artifacts/ (CF snapshots are published
# there at run time) must be writable by uid 1000.
COPY --chown=1000:1000 src/ src/
COPY --chown=1000:1000 data/ data/
COPY --chown=1000:1000 --from=trainer /app/model_artifacts/ model_artifacts/
# model_artifacts/cf/ exists (owned by uid 1000) so that a named volume mounted there
# (docker-compose.yml) starts with the right owner.
RUN chown 1000:1000 /app && install -d -o 1000 -g 1000 /app/model_artifacts/cf

USER 1000

EXPOSE 7860

# Liveness only (the first start builds the CF version, hence the start period): the HTTP server
# for ROLE=all|api, the CT process's heartbeat in the store for ROLE=ct (no HTTP server there).
# python + urllib because the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD if [ "${ROLE:-all}" = "ct" ]; then python -m src.ct --check; else python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('PORT', '7860'), timeout=4)"; fi || exit 1

# Any role: ROLE=all (default: API workers + the CT process under one supervisor), api, or ct.
CMD ["python", "-m", "src.main"]
