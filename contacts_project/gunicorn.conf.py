"""gunicorn's settings for this server: ``gunicorn -c contacts_project/gunicorn.conf.py
contacts_project.wsgi`` (README, "Set up"). The command line and ``GUNICORN_CMD_ARGS`` override
any of them; ``WEB_CONCURRENCY`` and ``GUNICORN_THREADS`` set the workers and their threads.

Two processes per core, each serving requests in four threads. A request that waits for the
database, or long-polls the change feed (``?wait=``, up to 30 seconds), holds a thread, not
its process, and a threaded worker is not killed by the request time-out while it waits. A
worker takes connections while its threads are busy and queues them: with four threads, a
few long-polls seldom leave a PATCH queued behind them (with two, one in eight waited out a
long-poll). Measured on 2 cores, single PATCHes 8 at a time: about as many per second as
with single-threaded workers. Each thread keeps its own database connection
(``CONN_MAX_AGE``): the server opens up to ``workers * threads`` of them.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
