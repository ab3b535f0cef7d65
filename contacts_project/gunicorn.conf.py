"""gunicorn's settings for this server: ``gunicorn -c contacts_project/gunicorn.conf.py
contacts_project.wsgi`` (README, "Set up"). The command line and ``GUNICORN_CMD_ARGS`` override
any of them; ``WEB_CONCURRENCY`` and ``GUNICORN_THREADS`` set the workers and their threads.

One process per core and one more, each serving requests in three threads, and a process
takes a connection only when one of its threads is free (``worker_connections = threads``). A
request that waits for the database, or long-polls the change feed (``?wait=``, up to 30
seconds), holds a thread, not its process, and a threaded worker is not killed by the
request time-out while it waits. A process whose threads are busy leaves new connections to
the others, so a request never queues behind a long-poll while another process has a free
thread, and the load spreads evenly over the processes: without the limit, a process kept
taking connections and queued them, and one that happened to hold three of eight clients
was held to one core by its interpreter lock while another idled. The price: no keep-alive
(each connection carries one request; a load balancer in front keeps its own). Measured on
2 cores (single PATCHes 8 at a time with ``wrk``, the configurations interleaved, 12 runs of
6 s each): 3 processes of 3 threads answered 278 to 367 per second (mean 325), 4 of 2 threads
273 to 333 (mean 308), 2 of 4 threads 276 to 376 (mean 322), 3 of 2 threads 264 to 326, 6 of
2 threads 272 to 282; earlier, 4 of 4 threads with queuing 230 to 270 and 8 single-threaded
processes 245 to 285. Each thread keeps its own database connection (``CONN_MAX_AGE``): the
server opens up to ``workers * threads`` of them.
"""

import gc
import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "3"))
worker_connections = threads


def post_worker_init(worker) -> None:
    """Once a process has loaded the application (and its URL configuration, which imports
    every view), what it holds is moved out of the cycle collector's sight (``gc.freeze``):
    a full collection then walks only what requests have made, not the hundreds of
    thousands of objects Django, DRF and the apps keep for the life of the process. Measured
    on a batch of 1,000 over HTTP, which makes such a collection every other time: 75 to 100
    ms for it before, 20 to 50 ms after."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    gc.collect()
    gc.freeze()
