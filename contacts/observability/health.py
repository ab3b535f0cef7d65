"""Probes for a load balancer or an orchestrator: ``/healthz`` says the process answers,
``/readyz`` that it can serve (database reachable, every migration applied)."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up; touches nothing else."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and no migration is pending, else 503 saying which."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        names = [f"{migration.app_label}.{migration.name}" for migration, _ in pending]
        return JsonResponse({"status": "unavailable", "pendingMigrations": names}, status=503)
    return JsonResponse({"status": "ok"})
