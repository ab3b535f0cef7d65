"""Typed contact attributes: an organization defines them (AttributeDefinition), contacts
carry values for them (ContactAttributeValue)."""

from django.db import models

from contacts.models import Contact, Organization

FIRST_FIELD_ID = 100
NAME_MAX_LENGTH = 100


class DataType(models.TextChoices):
    STRING = "STRING"
    NUMBER = "NUMBER"
    DATE = "DATE"


class DisplayFormat(models.TextChoices):
    FREE_TEXT = "F", "free text"
    SINGLE_CHOICE = "L", "single choice"
    MULTIPLE_CHOICE = "S", "multiple choice"


CHOICE_FORMATS = frozenset({DisplayFormat.SINGLE_CHOICE, DisplayFormat.MULTIPLE_CHOICE})


class AttributeDefinition(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    data_type = models.CharField(max_length=6, choices=DataType.choices, default=DataType.STRING)
    display_format = models.CharField(max_length=1, choices=DisplayFormat.choices, default=DisplayFormat.FREE_TEXT)
    defined_values = models.JSONField(default=list, blank=True)
    # The attribute's id in the keyed dialect; assigned once, never changed.
    field_id = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="attributedefinition_unique_name_per_org"),
            models.UniqueConstraint(
                fields=["organization", "field_id"], name="attributedefinition_unique_field_id_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(field_id__gte=FIRST_FIELD_ID), name="attributedefinition_field_id_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_choice(self) -> bool:
        return self.display_format in CHOICE_FORMATS


class ContactAttributeValue(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attribute_values")
    # As for paths: in use, a definition stays; with its organization, it goes.
    definition = models.ForeignKey(AttributeDefinition, on_delete=models.RESTRICT, related_name="values")
    position = models.PositiveSmallIntegerField(default=0)
    values = models.JSONField(default=list)

    class Meta:
        ordering = ["contact", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "definition"], name="contactattributevalue_one_per_definition")
        ]

    def __str__(self) -> str:
        return f"{self.definition.name}: {', '.join(map(str, self.values))}"
