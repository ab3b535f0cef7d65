"""What a benchmark contender leaves behind, comparable across two scenarios (their ids
differ): the contacts' changed fields and each contact's last history row."""

from contacts.benchmark.scenario import Scenario
from contacts.models import Contact, ContactChange


def stored(scenario: Scenario) -> list[tuple]:
    """What a FULL update of the scenario changes, contact by contact, in the contacts' order."""
    contacts = (
        Contact.objects.filter(organization=scenario.organization)
        .prefetch_related("groups", "paths__definition", "paths__quiet_time_frames", "attribute_values__definition")
        .order_by("pk")
    )
    return [
        (
            contact.first_name,
            contact.last_name,
            contact.email,
            contact.title,
            contact.company_name,
            contact.version,
            sorted(group.name for group in contact.groups.all()),
            sorted(
                (
                    path.definition.prompt,
                    path.value,
                    [
                        (f.name, f.days, f.from_hour, f.from_min, f.to_hour, f.to_min)
                        for f in path.quiet_time_frames.all()
                    ],
                )
                for path in contact.paths.all()
            ),
            sorted((value.definition.name, value.values) for value in contact.attribute_values.all()),
            ContactChange.objects.filter(contact=contact).count(),
        )
        for contact in contacts
    ]


def latest_changes(scenario: Scenario) -> list[dict]:
    """Each contact's last history row, its ids replaced by names (the two scenarios' ids differ)."""
    prompts = {scenario.phone.pk: "phone", scenario.email.pk: "email"}
    attributes = {attribute.pk: attribute.name for attribute in scenario.attributes}
    groups = {group.pk: group.name for group in scenario.groups}

    def named(field: str, value: object) -> object:
        if field == "groups":
            return sorted(groups[group] for group in value)
        if field == "paths":
            return [{**path, "path_id": prompts[path["path_id"]]} for path in value]
        if field == "attributes":
            return [{**item, "org_attr_id": attributes[item["org_attr_id"]]} for item in value]
        return value

    rows = []
    for contact_id in scenario.contact_ids:
        change = ContactChange.objects.filter(contact_id=contact_id).latest("id")
        rows.append(
            {
                field: {side: named(field, sides[side]) for side in ("before", "after")}
                for field, sides in change.changes.items()
            }
        )
    return rows
