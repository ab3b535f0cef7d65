"""The naive yardstick: contacts updated one by one through nested, writable DRF
serializers, the way a quick DRF implementation does it (DESIGN §8). It is slow, so the
benchmark times a sample of contacts each round and scales the time to the batch size.

It does the same work as the engine and the SQL reference, history included (DESIGN §3:
one row per change with the before and after of each changed field): it reads the
contact's fields and nested lists before and after saving, and records the difference."""

from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from attributes.models import ContactAttributeValue
from contacts.benchmark.scenario import ACTOR, values
from contacts.models import Channel, Contact, ContactChange, Group, Mode
from paths.models import ContactPath, QuietTimeFrame, mask_from_days
from paths.services import normalize_phone


class FrameSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7))
    from_hour = serializers.IntegerField(min_value=0, max_value=23)
    from_min = serializers.IntegerField(min_value=0, max_value=59)
    to_hour = serializers.IntegerField(min_value=0, max_value=23)
    to_min = serializers.IntegerField(min_value=0, max_value=59)


class PathSerializer(serializers.Serializer):
    prompt = serializers.CharField()
    value = serializers.CharField()
    quiet_time_frames = FrameSerializer(many=True)


class AttributeSerializer(serializers.Serializer):
    name = serializers.CharField()
    values = serializers.ListField(child=serializers.CharField())


class NaiveContactSerializer(serializers.ModelSerializer):
    group_names = serializers.SlugRelatedField(
        many=True, slug_field="name", queryset=Group.objects.none(), source="groups"
    )
    paths = PathSerializer(many=True)
    attributes = AttributeSerializer(many=True)

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "email", "title", "company_name", "group_names", "paths", "attributes"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        groups = Group.objects.filter(organization=self.instance.organization_id)
        self.fields["group_names"].child_relation.queryset = groups

    def update(self, instance: Contact, validated_data: dict) -> Contact:
        before = snapshot(instance)
        groups = validated_data.pop("groups")
        paths = validated_data.pop("paths")
        attributes = validated_data.pop("attributes")
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.version += 1
        instance.save()
        instance.groups.add(*groups)
        for item in paths:
            path = ContactPath.objects.get(contact=instance, definition__prompt=item["prompt"])
            path.value = normalize_phone(item["value"], "") if item["prompt"] == "phone" else item["value"]
            path.save()
            path.quiet_time_frames.all().delete()
            for frame in item["quiet_time_frames"]:
                QuietTimeFrame.objects.create(path=path, **{**frame, "days": mask_from_days(frame["days"])})
        for item in attributes:
            value = ContactAttributeValue.objects.get(contact=instance, definition__name=item["name"])
            value.values = item["values"]
            value.save()
        after = snapshot(instance)
        ContactChange.objects.create(
            contact=instance,
            contact_id_value=instance.pk,
            contact_uid=instance.uid,
            contact_external_id=instance.external_id,
            version=instance.version,
            organization_id=instance.organization_id,
            at=timezone.now(),
            actor=ACTOR.label,
            channel=Channel.IMPORT,
            mode=Mode.FULL,
            changes={
                name: {"before": before[name], "after": after[name]} for name in after if before[name] != after[name]
            },
        )
        return instance


def snapshot(contact: Contact) -> dict:
    """What the history compares: the scalars this update sets and the nested lists."""
    paths = ContactPath.objects.filter(contact=contact).prefetch_related("quiet_time_frames")
    return {
        **{name: getattr(contact, name) for name in ("first_name", "last_name", "email", "title", "company_name")},
        "groups": sorted(contact.groups.values_list("pk", flat=True)),
        "paths": [
            {
                "value": path.value,
                "path_id": path.definition_id,
                "country_code": path.country_code,
                "skip_validation": path.skip_validation,
                "quiet_time_frames": [frame.as_json() for frame in path.quiet_time_frames.all()],
            }
            for path in paths
        ],
        "attributes": [
            {"values": value.values, "org_attr_id": value.definition_id}
            for value in ContactAttributeValue.objects.filter(contact=contact)
        ],
    }


FIELDS = ("first_name", "last_name", "email", "title", "company_name", "group_names", "paths", "attributes")


def payload(n: int, variant: int) -> dict:
    """Contact ``n`` at ``variant`` as the serializer takes it (untimed)."""
    full = values(n, variant)
    return {name: full[name] for name in FIELDS}


def run(contact_ids: list[int], payloads: list[dict]) -> None:
    for contact_id, data in zip(contact_ids, payloads, strict=True):
        with transaction.atomic():
            contact = Contact.objects.select_for_update().get(pk=contact_id)
            serializer = NaiveContactSerializer(contact, data=data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
