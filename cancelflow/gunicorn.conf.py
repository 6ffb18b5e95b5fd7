"""gunicorn configuration: `gunicorn -c cancelflow/gunicorn.conf.py cancelflow.wsgi`.

Every value can be overridden from the environment, so one image serves any machine.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced now and then, a guard against slow leaks; rarely, since a new worker
# starts with nothing kept (guides/caching/memory.py) and its first search builds the search index
# (about a second with 10,000 providers). What a worker keeps is bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The app logs one structured line per request (cancelflow.middleware); gunicorn's own
# access log is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# When it is on, it logs the path alone, as the app's own line does: a query string carries
# what visitors type (a phone number to check, a search), and so does the referrer, the
# address of the page a visitor came from. So no request line (%(r)s), query (%(q)s) or
# referrer (%(f)s).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"
# gunicorn's control socket is not used; without this every instance shares one in $HOME.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
