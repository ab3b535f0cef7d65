"""Import and export on the contact list (DESIGN §12).

Import: upload a CSV or XLSX file → a dry run of the whole file is shown row by row (created,
updated with each field before → after, unchanged, problems by column) → "Confirm" applies the
same file through the engine (channel ``import``). Between the two steps the upload waits in
``IMPORT_UPLOAD_DIR`` under a random name that only a signed token names, so a user can neither
swap the file nor confirm another user's upload.

Export: the list as filtered, as CSV in the import's columns, streamed.
"""

import secrets
import time
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from contacts.admin.contact_form import admin_actor
from contacts.admin.history_display import render_field_changes, resolve_names
from contacts.admin.tenancy import scope_to_user
from contacts.dialects.spreadsheet.columns import HeaderRefused
from contacts.dialects.spreadsheet.exporter import export_csv
from contacts.dialects.spreadsheet.files import FileRefused, read_rows
from contacts.dialects.spreadsheet.importer import ImportSummary, RowOutcome, import_rows
from contacts.models import Organization
from contacts.selectors import contacts_for_read
from contacts.services import UpdateMode

#: Rows listed on a preview or result page; the counts always cover the whole file.
SHOWN_ROWS = 1000
TOKEN_SALT = "contacts.admin.import"
#: How long an uploaded file waits for its confirmation.
UPLOAD_MAX_AGE = 3600


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    mode = forms.ChoiceField(
        choices=[
            (UpdateMode.PARTIAL.value, "Partial: the file's columns change, the rest is kept"),
            (UpdateMode.FULL.value, "Full: each row is the whole contact (what no column holds is cleared)"),
        ],
        initial=UpdateMode.PARTIAL.value,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        help_text="CSV (UTF-8, header row) or XLSX. Columns: the native API's names (externalId, firstName, …, "
        "recordTypeName), groupsName/topics/tags joined by ';', path:<prompt>, path:<prompt>:countryCode, "
        "attr:<name>. Rows are matched by id, else by externalId."
    )

    def __init__(self, *args, organizations: QuerySet[Organization], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()


class ContactImportExportMixin:
    """For the contact ModelAdmin: the import and export pages and their URLs."""

    change_list_template = "admin/contacts/contact/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name=f"{prefix}_export"),
            *super().get_urls(),
        ]

    # -- import ----------------------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        organizations = scope_to_user(Organization.objects.order_by("name"), request.user, "pk")
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, organizations)
        form = ImportForm(request.POST or None, request.FILES or None, organizations=organizations)
        if request.method == "POST" and form.is_valid():
            stored = _keep_upload(form.cleaned_data["file"])
            organization, mode = form.cleaned_data["organization"], UpdateMode(form.cleaned_data["mode"])
            page = self._run(request, stored, organization, mode, dry_run=True)
            if page.get("refused"):
                stored.unlink(missing_ok=True)
                form.add_error("file", page["refused"])
            else:
                token = signing.dumps(
                    {"file": stored.name, "org": organization.pk, "mode": mode.value, "user": request.user.pk},
                    salt=TOKEN_SALT,
                )
                return self._page(request, "Preview of the import (nothing is saved yet)", page, token=token)
        return self._page(request, "Import contacts", {"form": form})

    def _confirm(self, request: HttpRequest, organizations: QuerySet[Organization]) -> HttpResponse:
        try:
            ticket = signing.loads(request.POST["token"], salt=TOKEN_SALT, max_age=UPLOAD_MAX_AGE)
        except signing.BadSignature:
            self.message_user(request, "This preview has expired; upload the file again.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        organization = organizations.filter(pk=ticket["org"]).first()
        stored = upload_dir() / ticket["file"]
        if ticket["user"] != request.user.pk or organization is None or not stored.is_file():
            self.message_user(request, "This preview is gone; upload the file again.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        try:
            page = self._run(request, stored, organization, UpdateMode(ticket["mode"]), dry_run=False)
        finally:
            stored.unlink(missing_ok=True)
        summary: ImportSummary = page["summary"]
        level = messages.WARNING if summary.counts["error"] else messages.SUCCESS
        self.message_user(request, f"Imported into {organization}: {summary}.", level)
        return self._page(request, "Import done", page)

    def _run(
        self, request: HttpRequest, stored: Path, organization: Organization, mode: UpdateMode, *, dry_run: bool
    ) -> dict:
        """The import (or its dry run), summarized for a page: counts of the whole file and
        the first SHOWN_ROWS rows, problems first."""
        summary = ImportSummary()
        problems: list[RowOutcome] = []
        others: list[RowOutcome] = []
        try:
            with stored.open("rb") as file, closing(read_rows(file)) as rows:
                for outcome in import_rows(
                    organization=organization, rows=rows, mode=mode, actor=admin_actor(request), dry_run=dry_run
                ):
                    summary.add(outcome)
                    listed = problems if outcome.errors else others
                    if len(problems) + len(others) < SHOWN_ROWS:
                        listed.append(outcome)
        except (HeaderRefused, FileRefused) as refused:
            return {"refused": str(refused)}
        shown = [*problems, *others]
        names = resolve_names(organization, shown)
        return {
            "summary": summary,
            "rows": [(outcome, render_field_changes(outcome.changes, names)) for outcome in shown],
            "organization": organization,
            "mode": mode.value,
            "shown_rows": SHOWN_ROWS,
        }

    def _page(self, request: HttpRequest, title: str, context: dict, **extra: object) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/contacts/contact/import.html",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context, **extra},
        )

    # -- export ----------------------------------------------------------------------------

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The change list's rows as filtered (search, filters), for one organization."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        filtered = changelist.get_queryset(request)
        organization_ids = list(filtered.order_by().values_list("organization_id", flat=True).distinct()[:2])
        if len(organization_ids) > 1:
            message = "The list holds contacts of several organizations: filter by one organization to export."
            self.message_user(request, message, messages.WARNING)
            changelist_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{changelist_url}?{request.GET.urlencode()}")
        organization = Organization.objects.filter(pk__in=organization_ids).first()
        if organization is None:
            lines: Iterable[str] = iter(["\ufeff"])
        else:
            contacts = contacts_for_read(organization).filter(pk__in=filtered.values("pk"))
            lines = export_csv(organization, contacts)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        name = f"contacts-{organization.pk}" if organization else "contacts"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


def upload_dir() -> Path:
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _keep_upload(upload) -> Path:
    """Store an upload until it is confirmed; uploads never confirmed are removed a day later."""
    directory = upload_dir()
    for stale in directory.glob("*.upload"):
        if stale.stat().st_mtime < time.time() - 24 * 3600:
            stale.unlink(missing_ok=True)
    stored = directory / f"{secrets.token_hex(16)}.upload"
    with stored.open("wb") as file:
        for chunk in upload.chunks():
            file.write(chunk)
    return stored
