"""The contact and its ordered addresses.

Paths live in ``paths/`` and attribute values in ``attributes/``; the update engine
(``contacts.services``) is the only code that writes any of them.
"""

import secrets
import string

from django.db import models
from django.db.models.functions import Lower

from contacts.models.organization import Organization
from contacts.models.reference import Group, RecordType, Source, Tag, Topic

UID_PREFIX = "cnt_"
UID_ALPHABET = string.ascii_lowercase + string.digits
NAME_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 255
#: What a contact is found by when a client names it by email, in any case (the keyed
#: dialect's email key, the native list's ``email`` filter): the expression the
#: (organization, lowercased email, id) index holds, so that such a lookup descends it, and
#: a page of its matches, in id order, comes out of it sorted (docs/scaling.md).
EMAIL_KEY = Lower("email")


def generate_uid() -> str:
    """Public contact id: ``cnt_`` plus 12 random lowercase alphanumerics."""
    return UID_PREFIX + "".join(secrets.choice(UID_ALPHABET) for _ in range(12))


class EmailFormat(models.TextChoices):
    HTML = "html"
    TEXT = "text"


class Status(models.TextChoices):
    ON = "on"
    OFF = "off"
    SUPPRESSED = "suppressed"


class Gender(models.TextChoices):
    UNKNOWN = "unknown"
    MALE = "male"
    FEMALE = "female"


class MaritalStatus(models.TextChoices):
    UNKNOWN = "unknown"
    SINGLE = "single"
    MARRIED = "married"


class EmailStatus(models.TextChoices):
    NONE = "none"
    BOUNCING = "bouncing"
    BOUNCED = "bounced"
    ALWAYS_SEND = "always send"


def counter() -> models.PositiveIntegerField:
    """An engagement counter: maintained by delivery, never writable through an API."""
    return models.PositiveIntegerField(default=0, editable=False)


class Contact(models.Model):
    # Not indexed alone: every index of the table below leads with the organization, and each
    # index is one more entry to write on every update of a contact (DESIGN §8).
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="contacts", db_index=False)
    # Unique by a constraint rather than ``unique=True``, which on PostgreSQL also builds a
    # pattern index for ``LIKE 'prefix%'``: nothing looks public ids up by prefix.
    uid = models.CharField(max_length=16, default=generate_uid, editable=False)
    external_id = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    # RESTRICT: a record type in use cannot be deleted, but an organization can (with its contacts).
    record_type = models.ForeignKey(RecordType, on_delete=models.RESTRICT, related_name="contacts")
    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    modified_source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    first_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, default="")
    last_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, default="")
    middle_initial = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, default="")
    suffix = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, default="")
    title = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")

    email = models.CharField(max_length=254, blank=True, default="")
    phone = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    phone_home = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    fax = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    timezone_id = models.CharField(max_length=64, blank=True, default="")
    preferred_email_format = models.CharField(max_length=4, choices=EmailFormat.choices, default=EmailFormat.HTML)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ON)

    company_name = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    company_position = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    department = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    industry = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    linkedin_url = models.CharField(max_length=500, blank=True, default="")

    birth_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=7, choices=Gender.choices, default=Gender.UNKNOWN)
    marital_status = models.CharField(max_length=7, choices=MaritalStatus.choices, default=MaritalStatus.UNKNOWN)
    education_level = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")

    country_id = models.IntegerField(default=1)
    city_id = models.IntegerField(default=1)
    hash_key = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    create_notifications = models.BooleanField(
        default=False, help_text="Legacy (seed 004): whether changes to this contact create notifications."
    )
    custom_fields = models.JSONField(default=dict, blank=True)

    groups = models.ManyToManyField(Group, blank=True, related_name="contacts")
    topics = models.ManyToManyField(Topic, blank=True, related_name="contacts")
    # Tags keep the order the client gave (the external dialect echoes its list back).
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts", through="ContactTag")

    # Engagement figures (DESIGN §3): read-only everywhere.
    score = models.FloatField(default=2, editable=False)
    rating = models.IntegerField(default=2, editable=False)
    email_status = models.CharField(
        max_length=11, choices=EmailStatus.choices, default=EmailStatus.NONE, editable=False
    )
    email_bounce_hard_count = counter()
    email_bounce_soft_count = counter()
    block_bounce_count = counter()
    sms_bounce_hard_count = counter()
    sms_bounce_soft_count = counter()
    sms_bounce_consecutive_count = counter()
    complaints_count = counter()
    forward_count = counter()
    invite_count = counter()
    bounce_unidentified_count = counter()
    autoresponder_count = counter()
    email_message_ids = models.JSONField(default=list, editable=False)
    sms_message_ids = models.JSONField(default=list, editable=False)
    email_message_count = counter()
    sms_message_count = counter()
    message_reads_inferred = counter()
    message_reads_unique = counter()
    message_link_clicks = counter()
    message_link_clicks_unique = counter()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["uid"], name="contact_unique_uid"),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="contact_unique_external_id_per_org",
            ),
        ]
        indexes = [
            models.Index(models.F("organization"), EMAIL_KEY, models.F("id"), name="contact_org_email_key_idx"),
            models.Index(fields=["organization", "updated_at"], name="contact_org_updated_idx"),
            models.Index(fields=["organization", "last_name"], name="contact_org_last_name_idx"),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email or self.uid


ENGAGEMENT_FIELDS: tuple[str, ...] = (
    "score",
    "rating",
    "email_status",
    "email_bounce_hard_count",
    "email_bounce_soft_count",
    "block_bounce_count",
    "sms_bounce_hard_count",
    "sms_bounce_soft_count",
    "sms_bounce_consecutive_count",
    "complaints_count",
    "forward_count",
    "invite_count",
    "bounce_unidentified_count",
    "autoresponder_count",
    "email_message_ids",
    "sms_message_ids",
    "email_message_count",
    "sms_message_count",
    "message_reads_inferred",
    "message_reads_unique",
    "message_link_clicks",
    "message_link_clicks_unique",
)


class Address(models.Model):
    """A postal address; ``position`` keeps the order the client gave."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="addresses")
    position = models.PositiveSmallIntegerField(default=0)
    location_name = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    street_address = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    suite = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    city = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    state = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    postal_code = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    country = models.CharField(max_length=TEXT_MAX_LENGTH, blank=True, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["contact", "position", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="address_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="address_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.location_name, self.street_address, self.city, self.country]
        return ", ".join(part for part in parts if part) or f"Address {self.position + 1}"


class ContactTag(models.Model):
    """A contact's tag, at its position in the contact's tag list."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="contact_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contact", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["contact", "tag"], name="contacttag_unique_tag_per_contact")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.contact}"
