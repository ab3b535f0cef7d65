"""Native list pagination: ``page`` and ``pageSize`` (default 100, max 1,000). A value that
is not one whole number in range is a 400 naming the parameter, not silently replaced."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from contacts.ids import MAX_ID


def _whole_number(request, name: str, high: int) -> int | None:
    given = request.query_params.getlist(name)
    if not given:
        return None
    raw = given[0]
    if len(given) > 1 or not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:
        raise ValidationError({name: [f"Must be a whole number from 1 to {high}."]})
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "pageSize"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        _whole_number(request, self.page_query_param, MAX_ID)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        return _whole_number(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: MAX_ID, self.page_size_query_param: self.max_page_size}
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": bounds[parameter["name"]]}
        return parameters
