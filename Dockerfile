# cancelflow: one stateless image; gunicorn serves the app, whitenoise its static files.
#
#   docker build -t cancelflow .
#   docker run -p 127.0.0.1:8000:8000 -e DJANGO_SECRET_KEY=… -e DATABASE_URL=… cancelflow
#
# Without DATABASE_URL it keeps a SQLite database in the volume /data (see below).
#
# The image only serves. Migrations and the shipped guides are a release step:
#   docker run --rm -e … cancelflow python manage.py migrate --no-input
#   docker run --rm -e … cancelflow python manage.py import_guides
# (compose.yaml runs both before gunicorn, for local use.)
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# The locked dependencies first (every one pinned, transitive ones too: requirements.lock,
# `make lock`), in their own layer: it is rebuilt only when the lock changes, not on every
# change to the code.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# Then the project itself, installed in place (it is not meant to run outside its tree).
COPY . .
RUN pip install --no-cache-dir --no-deps -e .

# Static files are collected (hashed and compressed) at build time; the key is a
# build-only dummy that never reaches the running container.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret \
    python manage.py collectstatic --no-input --verbosity 0

# Without DATABASE_URL the site runs on SQLite, in /data: the one folder the app user may
# write. Mount a volume there to keep it (docker run -v cancelflow-data:/data …); a folder it
# cannot write stops the container at once, saying so (cancelflow/settings.py).
ENV CANCELFLOW_DATA_DIR=/data
RUN mkdir /data && chown app:app /data
VOLUME /data

# The code stays owned by root and read-only for the user that runs it.
USER app

EXPOSE 8000

# /healthz checks the database and the cache. It answers any Host over plain HTTP (a load
# balancer's probe names the instance by its address), so the check asks it directly.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["gunicorn", "-c", "cancelflow/gunicorn.conf.py", "cancelflow.wsgi"]
