"""Path definitions, contact paths and their quiet time frames.

Quiet time frame days are stored as a 7-bit mask; the admin edits them as weekday checkboxes
numbered as the API numbers them (1 = Sunday … 7 = Saturday).
"""

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin
from paths.admin_widgets import WEEKDAY_CHOICES, QuietTimeFramesField
from paths.models import ContactPath, PathDefinition, QuietTimeFrame, days_from_mask, mask_from_days


class WeekdaysField(forms.TypedMultipleChoiceField):
    """Shows a days mask as the checked day numbers and cleans the checked days back to a mask."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=WEEKDAY_CHOICES, coerce=int, **kwargs)

    def prepare_value(self, value: object) -> object:
        return days_from_mask(value) if isinstance(value, int) else value

    def clean(self, value: object) -> int:
        return mask_from_days(super().clean(value))

    def has_changed(self, initial: object, data: object) -> bool:
        return super().has_changed(self.prepare_value(initial), data)


class QuietTimeFrameForm(forms.ModelForm):
    days = WeekdaysField()

    class Meta:
        model = QuietTimeFrame
        fields = ("position", "name", "days", "from_hour", "from_min", "to_hour", "to_min")


class QuietTimeFrameInline(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.TabularInline):
    model = QuietTimeFrame
    organization_lookup = "path__contact__organization"
    extra = 0
    fields = ("position", "name", "days_list", "from_hour", "from_min", "to_hour", "to_min")
    readonly_fields = fields

    @admin.display(description="days (1 = Sunday)")
    def days_list(self, obj: QuietTimeFrame) -> str:
        return ", ".join(map(str, obj.day_numbers))


@admin.register(PathDefinition)
class PathDefinitionAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    list_display = ("prompt", "kind", "organization")
    list_filter = ("organization", "kind")
    list_select_related = ("organization",)
    search_fields = ("prompt",)


@admin.register(ContactPath)
class ContactPathAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    organization_lookup = "contact__organization"
    list_display = ("__str__", "contact", "definition", "position", "skip_validation")
    list_filter = ("contact__organization", "definition__kind")
    list_select_related = ("contact", "definition")
    search_fields = ("value", "definition__prompt", "contact__email", "contact__uid")
    autocomplete_fields = ("contact", "definition")
    inlines = (QuietTimeFrameInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPath]:
        return super().get_queryset(request).select_related("contact", "definition")


@admin.register(QuietTimeFrame)
class QuietTimeFrameAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    form = QuietTimeFrameForm
    organization_lookup = "path__contact__organization"
    fields = ("path", "position", "name", "days", "from_hour", "from_min", "to_hour", "to_min")
    list_display = ("__str__", "path", "days_list", "from_hour", "from_min", "to_hour", "to_min")
    list_filter = ("path__contact__organization",)
    list_select_related = ("path__definition",)
    search_fields = ("name", "path__value", "path__contact__email")
    autocomplete_fields = ("path",)

    @admin.display(description="days")
    def days_list(self, obj: QuietTimeFrame) -> str:
        return ", ".join(map(str, obj.day_numbers))


class ContactPathInlineForm(forms.ModelForm):
    """A contact's path row with its quiet time frames, edited row by row
    (``paths.admin_widgets``); the contact form hands them to the engine in the API's shape."""

    quiet_time_frames = QuietTimeFramesField()

    class Meta:
        model = ContactPath
        fields = ("position", "definition", "value", "country_code", "skip_validation")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Frames come from the inline's prefetch: no query per path row.
        self.initial["quiet_time_frames"] = (
            [frame.as_json() for frame in self.instance.quiet_time_frames.all()] if self.instance.pk else []
        )
