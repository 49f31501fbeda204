"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_BIND, …).

The web workers never run long jobs: large exports, notification emails (with their retries)
and the morning reminders go through the job queue, run by `flask --app wsgi worker`, a
process of its own started beside gunicorn (a second systemd unit, for example):

    QUEUE_REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/gunicorn -c gunicorn.conf.py wsgi:app
    QUEUE_REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/flask --app wsgi worker

On one machine the queue may stay the default SQLite file (QUEUE_FILE). With several
machines set the same QUEUE_REDIS_URL on every web and worker process, put JOBS_FOLDER (like
UPLOAD_FOLDER) on storage they share, and run `worker --no-periodic` on all machines but one
so that the reminders and the clean-up are scheduled once."""
import multiprocessing
import os

# Sync workers: requests are short (pages aim under 150 ms); exports stream from a temporary
# file, and those of more than EXPORT_JOB_ROWS rows are made by the job worker instead.
# (2 × cores) + 1 is gunicorn's rule of thumb; on SQLite keep it small, one writer at a time.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# The app learns how many workers share the work (WEB_WORKERS): with several, rate limits
# must be counted in Redis (RATELIMIT_STORAGE_URI), and the app warns at start when not.
os.environ["THIDUA_WEB_WORKERS"] = str(workers)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Large exports and imports are jobs of the worker; a request longer than this is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a leak can never grow without bound. The jitter is wide:
# workers get the same share of requests, and with a narrow one they restarted together,
# every one of them loading the app at once (the load run saw 1.2 s stalls for everybody).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 2
# Uploads are capped by MAX_UPLOAD_MB in the app; cap header sizes here.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client IP (X-Forwarded-For when behind the proxy), request, status, size, duration in ms.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "thidua"
# gunicorn 25.1+ opens a control socket by default (~/.gunicorn/gunicorn.ctl, for gunicornc);
# a second instance under the same account takes it over. Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def on_starting(server):
    """The worker count as finally set (a `-w` on the command line included), for the app
    loaded in each worker after this."""
    os.environ["THIDUA_WEB_WORKERS"] = str(server.cfg.workers)


def post_worker_init(worker):
    """Once the worker has loaded the app, move everything loaded so far (modules, templates,
    the app) out of the garbage collector's sight: a collection then scans only what requests
    make, which cut the ranking and dashboard of a 2,000-unit campaign by about a quarter."""
    import gc

    gc.freeze()
