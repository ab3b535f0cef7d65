"""The contact change form, saved through the update engine (DESIGN §2: the admin obeys the
same rules and lands in the same history as every dialect).

The form and its inline rows together are one ChangeSet. ``clean`` builds it once the form
and the inlines are valid and asks the engine what it would do (a dry run), turning the
engine's problems into errors on the matching form fields; ``apply`` (from the admin's
``save_model``) writes it, once, after validation.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet

from attributes.models import ContactAttributeValue
from contacts.addresses import COORDINATES, TEXT_KEYS
from contacts.models import Address, Channel, Contact
from contacts.services import Actor, ChangeSet, ItemResult, Problem, UpdateMode, UpdateRejected, apply_update
from contacts.services.validation import SCALARS
from paths.models import ContactPath

#: Engine locations that are named differently on the admin forms.
FORM_FIELDS = {
    "record_type_id": "record_type",
    "tags": "tag_list",
    "path_id": "definition",
    "org_attr_id": "definition",
}
#: Which inline holds each nested list, and the form fields it contributes.
INLINES: dict[str, tuple[type, tuple[str, ...]]] = {
    "addresses": (Address, (*TEXT_KEYS, *COORDINATES)),
    "paths": (ContactPath, ("value", "country_code", "skip_validation", "quiet_time_frames")),
    "attributes": (ContactAttributeValue, ("values",)),
}


class ContactInlineFormSet(BaseInlineFormSet):
    """An inline of the contact page. Its rows belong to the contact's ChangeSet, so the
    formset makes itself known to the contact it edits, where the contact form finds it
    while it validates (the admin builds the inlines before it validates the form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inlines = self.instance.__dict__.setdefault("admin_inline_formsets", [])
        inlines.append(self)


class ContactAdminForm(forms.ModelForm):
    """``admin_request`` is set by the admin (for the actor)."""

    admin_request: Any = None
    changeset: ChangeSet | None = None
    engine_result: ItemResult | None = None

    tag_list = forms.CharField(
        label="Tags",
        required=False,
        max_length=10_000,
        help_text="Comma-separated tag names, in order; unknown names become new tags.",
    )

    class Meta:
        model = Contact
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tag_list"] = ", ".join(link.tag.name for link in self.instance.tag_links.all())

    def clean(self) -> dict[str, Any]:
        """Check the whole change with the engine (a dry run: nothing is written here)."""
        cleaned = super().clean()
        formsets = self.instance.__dict__.get("admin_inline_formsets", [])
        if self.errors or not all(formset.is_valid() for formset in formsets):
            return cleaned
        items = {name: _live_forms(formsets, model) for name, (model, _) in INLINES.items()}
        self.changeset = self._changeset(items)
        try:
            self._apply(dry_run=True)
        except UpdateRejected as rejected:
            self.changeset = None
            for problem in rejected.problems:
                self._attach(problem, items)
        return cleaned

    def apply(self) -> ItemResult:
        """Write the change ``clean`` checked (the admin's ``save_model`` calls it once).
        Raises UpdateRejected when another writer changed what the check relied on."""
        self.engine_result = self._apply(dry_run=False)
        return self.engine_result

    def _apply(self, *, dry_run: bool) -> ItemResult:
        organization = self.instance.organization if self.instance.pk else self.cleaned_data["organization"]
        return apply_update(
            organization=organization,
            item=self.changeset,
            mode=UpdateMode.PARTIAL,
            actor=admin_actor(self.admin_request),
            channel=Channel.ADMIN,
            dry_run=dry_run,
        )

    def _changeset(self, items: dict[str, list[forms.Form]]) -> ChangeSet:
        data = self.cleaned_data
        values: dict[str, Any] = {name: data[name] for name in SCALARS if name in data}
        values["record_type_id"] = data["record_type"].pk if data.get("record_type") else None
        values["groups"] = [group.pk for group in data.get("groups", [])]
        values["topics"] = [topic.pk for topic in data.get("topics", [])]
        values["tags"] = [name.strip() for name in data.get("tag_list", "").split(",") if name.strip()]
        values["addresses"] = [_pick(form, INLINES["addresses"][1]) for form in items["addresses"]]
        values["paths"] = [
            {"path_id": form.cleaned_data["definition"].pk, **_pick(form, INLINES["paths"][1])}
            for form in items["paths"]
        ]
        values["attributes"] = [
            {"org_attr_id": form.cleaned_data["definition"].pk, "values": form.cleaned_data["values"]}
            for form in items["attributes"]
        ]
        return ChangeSet(values=values, contact_id=self.instance.pk, replace_groups=True)

    def _attach(self, problem: Problem, items: dict[str, list[forms.Form]]) -> None:
        """Show a problem on the field it concerns (an inline row's field for nested lists)."""
        head, *rest = problem.location or ("",)
        target, field = self, FORM_FIELDS.get(head, head)
        if head in INLINES and rest and isinstance(rest[0], int) and rest[0] < len(items[head]):
            target = items[head][rest[0]]
            field = FORM_FIELDS.get(rest[1], rest[1]) if len(rest) > 1 and isinstance(rest[1], str) else None
        if field not in target.fields:
            field = None
        message = problem.message if field else f"{'/'.join(map(str, problem.location))}: {problem.message}"
        target.add_error(field, message)


def admin_actor(request: Any) -> Actor:
    return Actor(label=f"user:{request.user.get_username()}", user_id=request.user.pk)


def _live_forms(formsets: Iterable[BaseInlineFormSet], model: type) -> list[forms.Form]:
    """The inline rows that remain after the save, in the order of their ``position``."""
    for formset in formsets:
        if formset.model is model:
            deleted = {id(form) for form in formset.deleted_forms} if formset.can_delete else set()
            rows = [form for form in formset.forms if form.cleaned_data and id(form) not in deleted]
            return sorted(rows, key=lambda form: form.cleaned_data.get("position") or 0)
    return []


def _pick(form: forms.Form, names: Iterable[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
