"""Delivery paths: what an organization offers (PathDefinition) and what a contact has
(ContactPath, in order of preference, each with optional quiet time frames)."""

from django.db import models

from contacts.models import Contact, Organization

PROMPT_MAX_LENGTH = 100
ALL_DAYS_MASK = 0b1111111


class PathKind(models.TextChoices):
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    OTHER = "other"


class PathDefinition(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    prompt = models.CharField(max_length=PROMPT_MAX_LENGTH)
    kind = models.CharField(max_length=5, choices=PathKind.choices, default=PathKind.OTHER)

    class Meta:
        ordering = ["prompt"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "prompt"], name="pathdefinition_unique_prompt_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.prompt} ({self.kind})"


class ContactPath(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="paths")
    # A definition still in use cannot be deleted (contacts would lose data silently), unless
    # its organization is deleted with all its contacts.
    definition = models.ForeignKey(PathDefinition, on_delete=models.RESTRICT, related_name="contact_paths")
    position = models.PositiveSmallIntegerField(default=0)
    value = models.CharField(max_length=255)
    country_code = models.CharField(max_length=2, blank=True, default="")
    skip_validation = models.BooleanField(default=False)

    class Meta:
        ordering = ["contact", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["contact", "definition"], name="contactpath_one_per_definition")]

    def __str__(self) -> str:
        return f"{self.definition.prompt}: {self.value}"


def hour_and_minute_checks(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{prefix}_hour__gte": 0, f"{prefix}_hour__lte": 23}),
            name=f"quiettimeframe_{prefix}_hour_range",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{prefix}_min__gte": 0, f"{prefix}_min__lte": 59}),
            name=f"quiettimeframe_{prefix}_min_range",
        ),
    ]


class QuietTimeFrame(models.Model):
    """A recurring window in which a path must not be used.

    ``days`` is a 7-bit mask (bit 0 = Sunday … bit 6 = Saturday); the API shows it as the
    sorted list of day numbers 1..7 (1 = Sunday), as the native dialect documents.
    """

    path = models.ForeignKey(ContactPath, on_delete=models.CASCADE, related_name="quiet_time_frames")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100, blank=True, default="")
    days = models.PositiveSmallIntegerField()
    from_hour = models.PositiveSmallIntegerField()
    from_min = models.PositiveSmallIntegerField(default=0)
    to_hour = models.PositiveSmallIntegerField()
    to_min = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["path", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=ALL_DAYS_MASK), name="quiettimeframe_days_range"
            ),
            *hour_and_minute_checks("from"),
            *hour_and_minute_checks("to"),
        ]

    def __str__(self) -> str:
        label = self.name or "quiet time"
        return f"{label} {self.from_hour:02d}:{self.from_min:02d}-{self.to_hour:02d}:{self.to_min:02d}"

    @property
    def day_numbers(self) -> list[int]:
        return days_from_mask(self.days)

    def as_json(self) -> dict:
        """The frame as the engine's items and history carry it (days as numbers)."""
        return {
            "name": self.name,
            "days": self.day_numbers,
            "from_hour": self.from_hour,
            "from_min": self.from_min,
            "to_hour": self.to_hour,
            "to_min": self.to_min,
        }


def days_from_mask(mask: int) -> list[int]:
    """Sorted day numbers (1 = Sunday … 7 = Saturday) set in a 7-bit mask."""
    return [day for day in range(1, 8) if mask & (1 << (day - 1))]


def mask_from_days(days: list[int]) -> int:
    """The 7-bit mask of day numbers already validated to lie in 1..7."""
    mask = 0
    for day in days:
        mask |= 1 << (day - 1)
    return mask
