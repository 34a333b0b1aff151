"""gunicorn settings: ``gunicorn -c python:service.gunicorn_conf 'service:create_app()'``.

gthread workers: the service waits on upstream I/O, so threads are cheap concurrency, and
several processes use both cores. Thread pools (fetch fan-out, background refresh) are
created lazily in each worker after fork, never in the master.

The worker class is gthread's with one change (``service.gunicorn_worker``): a request is
read in the worker's event loop and gets a thread only once it is complete, within
``GUNICORN_HEADER_TIMEOUT`` seconds. Slow clients (slowloris) then cost a socket, not a
thread, and health probes keep being answered; gunicorn's own error answers (400, 414,
431) are JSON. A reverse proxy that buffers requests in front is still the production
setup (docs/DEPLOY.md), this is the defence when something reaches gunicorn directly.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# GUNICORN_WORKER_CLASS=gthread is the stock worker (the slowloris test's control run).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS",
                              "service.gunicorn_worker.BufferingThreadWorker")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Below 30 s: a report has a 10 s upstream deadline; nothing legitimate takes longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# gunicorn's defaults, spelled out: a longer request line is a 414, more header bytes a 431
# (both in our JSON error shape). Our longest legitimate URL is well under 4 KB.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Bound what one worker holds open (slow clients included); threads serve complete requests.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
preload_app = False  # each worker builds its own app: no connections or threads shared by fork
