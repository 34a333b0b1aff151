"""gunicorn settings: ``gunicorn -c python:service.gunicorn_conf 'service:create_app()'``.

gthread workers: the service waits on upstream I/O, so threads are cheap concurrency, and
several processes use both cores. Thread pools (fetch fan-out, background refresh) are
created lazily in each worker after fork, never in the master.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Below 30 s: a report has a 10 s upstream deadline; nothing legitimate takes longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "25"))
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
preload_app = False  # each worker builds its own app: no connections or threads shared by fork
