"""Bulk actions of the contact list: add to a group, remove from a group, set the status.

Each first asks on an intermediate page (a group or a status, like Django's delete
confirmation) and then hands the whole selection to the update engine, channel ``admin``: one
call per organization and per BATCH_LIMIT contacts, so the queries do not grow with the
selection, and every changed contact gets its version bump and one history row (DESIGN §12).
Adding and setting the status are PARTIAL changes (``apply_updates``); removal is the group
membership change (``change_group_membership``), the engine's one batch way to take contacts
out of a group (DESIGN §4: PARTIAL only ever adds groups).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from contacts.admin.contact_form import admin_actor
from contacts.models import Contact, Group, Organization
from contacts.models.contact import Status
from contacts.services import (
    BATCH_LIMIT,
    ChangeSet,
    Channel,
    ItemResult,
    ItemStatus,
    UpdateMode,
    UpdateRejected,
    apply_updates,
    change_group_membership,
)

TEMPLATE = "admin/contacts/contact/bulk_action.html"
#: Failures named one by one in the summary; the rest are counted.
FAILURES_NAMED = 5


@dataclass(frozen=True)
class Selection:
    """The selected contacts by organization (ids in order), with a label for each."""

    organizations: dict[int, Organization]
    contact_ids: dict[int, list[int]]
    labels: dict[int, str]

    @property
    def count(self) -> int:
        return len(self.labels)


def load_selection(queryset: QuerySet[Contact]) -> Selection:
    """Two queries whatever the selection's size: the contacts' ids and names, then their
    organizations. The admin's queryset is already scoped to the user's organizations."""
    contact_ids: dict[int, list[int]] = {}
    labels = {}
    rows = queryset.order_by("pk").values_list("pk", "organization_id", "first_name", "last_name", "uid")
    for pk, organization_id, first_name, last_name, uid in rows:
        contact_ids.setdefault(organization_id, []).append(pk)
        name = f"{first_name} {last_name}".strip()
        labels[pk] = f"{name} ({uid})" if name else uid
    organizations = Organization.objects.in_bulk(list(contact_ids))
    return Selection(organizations, contact_ids, labels)


def batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """The engine takes at most BATCH_LIMIT contacts per call."""
    for start in range(0, len(ids), BATCH_LIMIT):
        yield ids[start : start + BATCH_LIMIT]


@dataclass
class Tally:
    """What a bulk action did, for its summary message."""

    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reason: str = ""
    failures: list[str] = field(default_factory=list)

    def count(self, results: Sequence[ItemResult], labels: dict[int, str]) -> None:
        for result in results:
            if result.status == ItemStatus.UPDATED:
                self.updated += 1
            elif result.status == ItemStatus.UNCHANGED:
                self.unchanged += 1
            else:
                reason = "; ".join(problem.message for problem in result.problems) or str(result.status)
                self.failures.append(f"{labels.get(result.contact_id, result.contact_id)}: {reason}")

    def summary(self) -> str:
        """e.g. "12 contacts updated, 3 unchanged, 1 failed: Ada Lovelace (cnt_…): …"."""
        parts = [
            f"{self.updated} {'contact' if self.updated == 1 else 'contacts'} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} skipped ({self.skipped_reason})")
        text = ", ".join(parts)
        if self.failures:
            named = "; ".join(self.failures[:FAILURES_NAMED])
            more = len(self.failures) - FAILURES_NAMED
            text += f", {len(self.failures)} failed: {named}" + (f"; and {more} more" if more > 0 else "")
        return text if text.endswith(".") else text + "."

    @property
    def level(self) -> int:
        return messages.WARNING if self.failures else messages.SUCCESS


class GroupChoiceForm(forms.Form):
    """A group of the selection's organizations; no other group is offered or accepted."""

    group = forms.ModelChoiceField(queryset=Group.objects.none(), empty_label=None)

    def __init__(self, *args: Any, selection: Selection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        field.queryset = (
            Group.objects.filter(organization_id__in=list(selection.organizations))
            .select_related("organization")
            .order_by("organization__name", "name")
        )
        if len(selection.organizations) > 1:
            field.label_from_instance = lambda group: f"{group.name} ({group.organization.name})"
            field.help_text = "Only the selected contacts of the group's organization are changed."


class StatusChoiceForm(forms.Form):
    """The same choice for every organization; ``selection`` is taken as every choice form
    takes it."""

    status = forms.ChoiceField(choices=Status.choices)

    def __init__(self, *args: Any, selection: Selection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


def apply_partial(request: HttpRequest, selection: Selection, values: dict[str, Any], tally: Tally) -> None:
    """The same PARTIAL change of every selected contact: one engine call per organization
    and batch."""
    for organization_id, ids in selection.contact_ids.items():
        for batch in batches(ids):
            results = apply_updates(
                organization=selection.organizations[organization_id],
                items=[ChangeSet(values=values, contact_id=pk) for pk in batch],
                mode=UpdateMode.PARTIAL,
                actor=admin_actor(request),
                channel=Channel.ADMIN,
            )
            tally.count(results, selection.labels)


def skip_other_organizations(selection: Selection, group: Group, tally: Tally) -> list[int]:
    """A group holds contacts of its own organization only; the others are counted out."""
    tally.skipped = sum(len(ids) for org, ids in selection.contact_ids.items() if org != group.organization_id)
    tally.skipped_reason = f"not in {group.organization.name}, the group's organization"
    return selection.contact_ids.get(group.organization_id, [])


def add_contacts(request: HttpRequest, selection: Selection, data: dict[str, Any]) -> Tally:
    tally = Tally()
    group = data["group"]
    ids = skip_other_organizations(selection, group, tally)
    # DESIGN §4: in PARTIAL the listed groups are added, none is removed.
    only_group = Selection({group.organization_id: group.organization}, {group.organization_id: ids}, selection.labels)
    apply_partial(request, only_group, {"groups": [group.pk]}, tally)
    return tally


def remove_contacts(request: HttpRequest, selection: Selection, data: dict[str, Any]) -> Tally:
    tally = Tally()
    group = data["group"]
    for batch in batches(skip_other_organizations(selection, group, tally)):
        try:
            result = change_group_membership(
                organization=group.organization,
                group_id=group.pk,
                contact_ids=list(batch),
                add=False,
                actor=admin_actor(request),
                channel=Channel.ADMIN,
            )
        except UpdateRejected as rejected:
            # All or nothing per batch: a contact deleted meanwhile refuses its whole batch.
            tally.failures.extend(f"{selection.labels[pk]}: {rejected}" for pk in batch)
            continue
        tally.updated += len(result.changed)
        tally.unchanged += len(result.unchanged)
    return tally


def set_contacts_status(request: HttpRequest, selection: Selection, data: dict[str, Any]) -> Tally:
    tally = Tally()
    apply_partial(request, selection, {"status": data["status"]}, tally)
    return tally


def run_bulk_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Contact],
    *,
    form_class: type[forms.Form],
    title: str,
    run: Callable[[HttpRequest, Selection, dict[str, Any]], Tally],
) -> TemplateResponse | None:
    """Show the choice page; once it is posted back valid, run the action and say what it
    did (None: Django redirects back to the list)."""
    selection = load_selection(queryset)
    form = form_class(request.POST if "apply" in request.POST else None, selection=selection)
    if form.is_bound and form.is_valid():
        tally = run(request, selection, form.cleaned_data)
        modeladmin.message_user(request, tally.summary(), tally.level)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "form": form,
        "selection": selection,
        "organization_names": sorted(org.name for org in selection.organizations.values()),
        # The list's own post is sent back as it came, so "select all" across pages (and the
        # list's filters, in the address) select the same contacts again.
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action": request.POST.get("action", ""),
        "media": modeladmin.media + form.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)


@admin.action(description="Add to group…", permissions=["change"])
def add_to_group(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Contact]):
    return run_bulk_action(
        modeladmin, request, queryset, form_class=GroupChoiceForm, title="Add contacts to a group", run=add_contacts
    )


@admin.action(description="Remove from group…", permissions=["change"])
def remove_from_group(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Contact]):
    return run_bulk_action(
        modeladmin,
        request,
        queryset,
        form_class=GroupChoiceForm,
        title="Remove contacts from a group",
        run=remove_contacts,
    )


@admin.action(description="Set status…", permissions=["change"])
def set_status(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Contact]):
    return run_bulk_action(
        modeladmin,
        request,
        queryset,
        form_class=StatusChoiceForm,
        title="Set the contacts' status",
        run=set_contacts_status,
    )


BULK_ACTIONS = (add_to_group, remove_from_group, set_status)
