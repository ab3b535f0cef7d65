"""JSON 404/500 pages for API paths; HTML ones elsewhere (admin, docs)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from contacts.api.errors import envelope

API_PREFIXES = ("/rest/", "/api/", "/external/")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES) or request.path in {"/rest", "/api", "/external"}


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            envelope(status_code=404, code="NOT_FOUND", message=f"No route for {request.path}."), status=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            envelope(status_code=500, code="SERVER_ERROR", message="Internal server error."), status=500
        )
    return defaults.server_error(request)
