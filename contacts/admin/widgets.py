"""Widgets of the contact page besides the nested rows' own (``paths.admin_widgets``,
``attributes.admin``)."""

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString


class TagListWidget(forms.TextInput):
    """Comma-separated tag names with suggestions of the organization's tag names.

    A text input stays the source of truth, so any new name can be typed and the field works
    without JavaScript; a script fills the input's ``<datalist>`` from a staff-only view of
    the organization's tag names as the last name is typed (``tag_list.js``).
    ``names_url`` is that view's address; ``organization_id`` is the contact's organization,
    or None on the add page, where the script reads the chosen organization instead.
    """

    def __init__(self, *, names_url: str = "", organization_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.names_url = names_url
        self.organization_id = organization_id

    class Media:
        js = ("contacts/admin/tag_list.js",)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("id", f"id_{name}")
        widget_attrs |= {
            "list": f"{widget_attrs['id']}_names",
            "autocomplete": "off",
            "data-tag-names-url": self.names_url,
            "data-organization": "" if self.organization_id is None else str(self.organization_id),
        }
        return context

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        context = self.get_context(name, value, attrs)
        names_id = context["widget"]["attrs"]["list"]
        return format_html(
            '{}<datalist id="{}"></datalist>', self._render(self.template_name, context, renderer), names_id
        )
