"""The API documentation pages (Swagger UI, ReDoc), served from this server alone: the
bundles come from ``drf-spectacular-sidecar``, the ReDoc page has no web fonts, and a
Content-Security-Policy keeps the browser from fetching anything elsewhere (ReDoc's bundle
would show a logo from its CDN; blocked, it is simply not shown). Installations without
Internet access, and users who should not be tracked, get the same pages."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

#: Scripts, styles, images, fonts and requests from this server only (the pages start
#: their viewers with inline scripts; ReDoc's search runs in a blob: worker).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
    ]
)


class SelfContainedPage:
    @extend_schema(exclude=True)
    def get(self, request: Request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class SwaggerPage(SelfContainedPage, SpectacularSwaggerView):
    pass


class RedocPage(SelfContainedPage, SpectacularRedocView):
    template_name = "contacts/redoc.html"
