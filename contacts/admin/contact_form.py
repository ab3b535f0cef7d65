"""The contact change form, saved through the update engine (DESIGN §2: the admin obeys the
same rules and lands in the same history as every dialect).

The form and its inline rows together are one ChangeSet. ``clean`` builds it once the form
and the inlines are valid and asks the engine what it would do (a dry run), turning the
engine's problems into errors on the matching form fields; ``apply`` (from the admin's
``save_model``) writes it, once, after validation.

Attribute values are fields of the form itself, one per attribute definition of the contact's
organization (``attr_<definition id>``), added by the admin (``ContactAdmin.get_form``).
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet

from attributes.admin import ATTRIBUTE_FIELD_PREFIX, attribute_field_name
from attributes.models import AttributeDefinition
from contacts.addresses import COORDINATES, TEXT_KEYS
from contacts.admin.widgets import TagListWidget
from contacts.models import Address, Channel, Contact
from contacts.services import Actor, ChangeSet, ItemResult, Problem, UpdateMode, UpdateRejected, apply_update
from contacts.services.validation import SCALARS
from paths.models import ContactPath

#: Engine locations that are named differently on the admin forms.
FORM_FIELDS = {
    "record_type_id": "record_type",
    "tags": "tag_list",
    "path_id": "definition",
}
#: Row fields whose None means "not posted": the key is left out of the ChangeSet.
KEPT_WHEN_NONE = frozenset({"quiet_time_frames"})
#: Which inline holds each nested list, and the form fields it contributes.
INLINES: dict[str, tuple[type, tuple[str, ...]]] = {
    "addresses": (Address, (*TEXT_KEYS, *COORDINATES)),
    "paths": (ContactPath, ("value", "country_code", "skip_validation", "quiet_time_frames")),
}


class ContactInlineFormSet(BaseInlineFormSet):
    """An inline of the contact page. Its rows belong to the contact's ChangeSet, so the
    formset makes itself known to the contact it edits, where the contact form finds it
    while it validates (the admin builds the inlines before it validates the form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inlines = self.instance.__dict__.setdefault("admin_inline_formsets", [])
        inlines.append(self)


def tag_list_field(*, names_url: str = "", organization_id: int | None = None) -> forms.CharField:
    """The tags as comma-separated names (any new name may be typed), with suggestions from
    the organization's tag names where the page knows where to ask for them."""
    return forms.CharField(
        label="Tags",
        required=False,
        max_length=10_000,
        widget=TagListWidget(names_url=names_url, organization_id=organization_id),
        help_text="Comma-separated tag names, in order; existing names are suggested as you type, "
        "new names become new tags.",
    )


class ContactAdminForm(forms.ModelForm):
    """``admin_request`` (for the actor) and ``attribute_definitions`` (the organization's,
    each with its ``attr_<id>`` field declared) are set by the admin."""

    admin_request: Any = None
    attribute_definitions: Sequence[AttributeDefinition] = ()
    changeset: ChangeSet | None = None
    engine_result: ItemResult | None = None

    tag_list = tag_list_field()

    class Meta:
        model = Contact
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Definition ids in the order of the ChangeSet's ``attributes``, to place its problems.
        self.attribute_order: list[int] = []
        if self.instance.pk:
            self.initial["tag_list"] = ", ".join(link.tag.name for link in self.instance.tag_links.all())
            stored = {row.definition_id: row.values for row in self.instance.attribute_values.all()}
            for definition in self.attribute_definitions:
                self.initial[attribute_field_name(definition)] = list(stored.get(definition.pk, []))

    def clean(self) -> dict[str, Any]:
        """Check the whole change with the engine (a dry run: nothing is written here)."""
        cleaned = super().clean()
        if self._attributes_of_another_organization() and any(
            cleaned.get(attribute_field_name(definition)) for definition in self.attribute_definitions
        ):
            self.add_error(
                "organization",
                "The attribute fields shown are another organization's: choose that organization, "
                "or save first and set the attributes afterwards.",
            )
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
        attributes = self._attributes()
        if attributes is not None:
            values["attributes"] = attributes
        return ChangeSet(values=values, contact_id=self.instance.pk, replace_groups=True)

    def _attributes(self) -> list[dict[str, Any]] | None:
        """The attributes with a value (PARTIAL: the list replaces the stored one, so an empty
        field removes its value), stored ones first in their order so that saving an
        unchanged page changes nothing. None when the page shows no attribute fields."""
        if not self.attribute_definitions or self._attributes_of_another_organization():
            return None
        given = {
            definition.pk: self.cleaned_data.get(attribute_field_name(definition)) or []
            for definition in self.attribute_definitions
        }
        stored = [row.definition_id for row in self.instance.attribute_values.all()] if self.instance.pk else []
        order = [pk for pk in stored if pk in given] + [pk for pk in given if pk not in stored]
        self.attribute_order = [pk for pk in order if given[pk]]
        return [{"org_attr_id": pk, "values": given[pk]} for pk in self.attribute_order]

    def _attributes_of_another_organization(self) -> bool:
        """On the add page the attribute fields are built for the organization named in the
        address (or the user's only one); the organization chosen in the form may differ."""
        if self.instance.pk or not self.attribute_definitions:
            return False
        chosen = self.cleaned_data.get("organization")
        return chosen is not None and chosen.pk != self.attribute_definitions[0].organization_id

    def _attach(self, problem: Problem, items: dict[str, list[forms.Form]]) -> None:
        """Show a problem on the field it concerns (an inline row's field for nested lists)."""
        head, *rest = problem.location or ("",)
        target, field, message = self, FORM_FIELDS.get(head, head), problem.message
        if head in INLINES and rest and isinstance(rest[0], int) and rest[0] < len(items[head]):
            target = items[head][rest[0]]
            field = FORM_FIELDS.get(rest[1], rest[1]) if len(rest) > 1 and isinstance(rest[1], str) else None
            if field == "quiet_time_frames" and len(rest) > 2 and isinstance(rest[2], int):
                message = f"{frame_label(target, rest[2])}: {message}"
        elif head == "attributes" and rest and isinstance(rest[0], int) and rest[0] < len(self.attribute_order):
            field = f"{ATTRIBUTE_FIELD_PREFIX}{self.attribute_order[rest[0]]}"
        if field not in target.fields:
            field = None
        if field is None:
            message = f"{'/'.join(map(str, problem.location))}: {message}"
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
    """The row's canonical keys; frames left out when the post carried none (the engine then
    keeps the stored ones)."""
    data = form.cleaned_data
    return {name: data[name] for name in names if name in data and not (name in KEPT_WHEN_NONE and data[name] is None)}


def frame_label(form: forms.Form, index: int) -> str:
    """How the frames field names the ``index``-th frame it handed on (deleted and blank rows
    are not counted), so that its own and the engine's messages agree."""
    frames = form.cleaned_data.get("quiet_time_frames") or []
    name = frames[index].get("name") if index < len(frames) else ""
    return f"Frame {index + 1}" + (f" ({name})" if name else "")
