"""Native list pagination: ``page`` and ``pageSize`` (default 100, max 1,000)."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "pageSize"
    max_page_size = 1000
