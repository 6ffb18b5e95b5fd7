# cancelflow: one stateless image; gunicorn serves the app, whitenoise its static files.
#
#   docker build -t cancelflow .
#   docker run -p 8000:8000 -e DJANGO_SECRET_KEY=… -e DATABASE_URL=… cancelflow
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

# The pinned dependencies first, in their own layer: it is rebuilt only when
# pyproject.toml changes, not on every change to the code.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Then the project itself, installed in place (it is not meant to run outside its tree).
COPY . .
RUN pip install --no-cache-dir --no-deps -e .

# Static files are collected (hashed and compressed) at build time; the key is a
# build-only dummy that never reaches the running container.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret \
    python manage.py collectstatic --no-input --verbosity 0

# The code stays owned by root and read-only for the user that runs it.
USER app

EXPOSE 8000

# /healthz checks the database and the cache. The request says it came over HTTPS (as
# behind the load balancer) so it isn't redirected, and names the first allowed host.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

CMD ["gunicorn", "-c", "cancelflow/gunicorn.conf.py", "cancelflow.wsgi"]
