"""Reference data a contact points at: record types, groups, topics, tags and sources.

Each is a name unique within its organization; the database enforces it.
"""

from django.db import models

from contacts.models.organization import Organization

NAME_MAX_LENGTH = 100


class OrganizationNamed(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=NAME_MAX_LENGTH)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def unique_name(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["organization", "name"], name=f"{model}_unique_name_per_org")


class RecordType(OrganizationNamed):
    """The kind of a contact; the organization's default one is used when a dialect creates
    a contact without naming a record type."""

    is_default = models.BooleanField(default=False)

    class Meta(OrganizationNamed.Meta):
        constraints = [
            unique_name("recordtype"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_default=True),
                name="recordtype_one_default_per_org",
            ),
        ]


class Group(OrganizationNamed):
    class Meta(OrganizationNamed.Meta):
        constraints = [unique_name("group")]


class Topic(OrganizationNamed):
    """A subscription topic."""

    class Meta(OrganizationNamed.Meta):
        constraints = [unique_name("topic")]


class Tag(OrganizationNamed):
    """A free label; unknown tag names are created on the fly by the update engine."""

    class Meta(OrganizationNamed.Meta):
        constraints = [unique_name("tag")]


class Source(OrganizationNamed):
    """An application that creates or modifies contacts (recorded on contacts and history)."""

    class Meta(OrganizationNamed.Meta):
        constraints = [unique_name("source")]
