"""``GET /rest/contacts/{org}?format=csv`` (or ``Accept: text/csv``): the native contact list,
filtered as usual, streamed whole as CSV in the import's columns (DESIGN §12)."""

from django.http import StreamingHttpResponse
from rest_framework import renderers
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.dialects.spreadsheet.exporter import export_csv


class CSVRenderer(renderers.BaseRenderer):
    """Chooses the CSV answer; the view streams it itself (a list is never rendered here)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        raise TypeError("CSV answers are streamed by the view.")


class CSVExportMixin:
    """For the native list view: a GET that accepted CSV streams every filtered contact
    (no pages); every other answer (errors, writes) stays JSON."""

    def list(self, request: Request, *args, **kwargs) -> Response | StreamingHttpResponse:
        if request.accepted_renderer.format != CSVRenderer.format:
            return super().list(request, *args, **kwargs)
        contacts = self.filter_queryset(self.get_queryset())
        lines = export_csv(self.organization, contacts, byte_order_mark=False)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="contacts-{self.organization.pk}.csv"'
        return response

    def finalize_response(self, request: Request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and renderer is not None and renderer.format == CSVRenderer.format:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
