"""The project's 404 and 500 pages: JSON in the envelope of the dialect a path belongs to
for API paths (an unknown route under ``/api/v2/`` answers as the keyed dialect answers),
Django's HTML pages elsewhere (admin, docs)."""

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from contacts.dialects.middleware import API_PREFIXES, refuse


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return refuse(request, 404, f"No route for {request.path}.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return refuse(request, 500, "Internal server error.")
    return defaults.server_error(request)
