"""Wire shapes of the native dialect (DESIGN §5.1): the contact as the API returns it.

These serializers only render; they never write. Names are the camelCase of the model's.
"""

from rest_framework import serializers

from contacts.api.strict import StrictFieldsMixin
from contacts.dialects.native import wire
from contacts.dialects.native.wire import ENGAGEMENT_WIRE_NAMES
from contacts.services import EVENT_TYPE_CHOICES


def _engagement_field(wire: str, source: str) -> serializers.Field:
    options = {"read_only": True} if wire == source else {"read_only": True, "source": source}
    if source == "score":
        return serializers.FloatField(**options)
    if source == "email_status":
        return serializers.CharField(**options)
    if source.endswith("_ids"):
        return serializers.ListField(child=serializers.JSONField(), **options)
    return serializers.IntegerField(**options)


class GisLocationSerializer(serializers.Serializer):
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


class AddressOutputSerializer(serializers.Serializer):
    locationName = serializers.CharField(source="location_name")
    streetAddress = serializers.CharField(source="street_address")
    suite = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    postalCode = serializers.CharField(source="postal_code")
    country = serializers.CharField()
    gisLocation = serializers.SerializerMethodField()

    def get_gisLocation(self, address) -> GisLocationSerializer(allow_null=True):  # type: ignore[valid-type]
        # Shown whenever either coordinate is set, so that echoing a GET body keeps both.
        if address.latitude is None and address.longitude is None:
            return None
        return {"lat": address.latitude, "lon": address.longitude}


class QuietTimeFrameOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    days = serializers.ListField(child=serializers.IntegerField(), source="day_numbers")
    fromHour = serializers.IntegerField(source="from_hour")
    fromMin = serializers.IntegerField(source="from_min")
    toHour = serializers.IntegerField(source="to_hour")
    toMin = serializers.IntegerField(source="to_min")


class PathOutputSerializer(serializers.Serializer):
    pathId = serializers.IntegerField(source="definition_id")
    prompt = serializers.CharField(source="definition.prompt")
    value = serializers.CharField()
    countryCode = serializers.CharField(source="country_code")
    skipValidation = serializers.BooleanField(source="skip_validation")
    quietTimeFrames = QuietTimeFrameOutputSerializer(many=True, source="quiet_time_frames.all")


class ContactAttributeOutputSerializer(serializers.Serializer):
    orgAttrId = serializers.IntegerField(source="definition_id")
    name = serializers.CharField(source="definition.name")
    values = serializers.ListField(child=serializers.JSONField())


class ContactCoreOutputSerializer(serializers.Serializer):
    """The contact without its engagement figures."""

    id = serializers.IntegerField(read_only=True)
    uid = serializers.CharField(read_only=True)
    externalId = serializers.CharField(source="external_id")
    recordTypeId = serializers.IntegerField(source="record_type_id")
    recordTypeName = serializers.CharField(source="record_type.name")
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    middleInitial = serializers.CharField(source="middle_initial")
    suffix = serializers.CharField()
    title = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    phoneHome = serializers.CharField(source="phone_home")
    fax = serializers.CharField()
    timezoneId = serializers.CharField(source="timezone_id")
    preferredEmailFormat = serializers.CharField(source="preferred_email_format")
    status = serializers.CharField()
    companyName = serializers.CharField(source="company_name")
    companyPosition = serializers.CharField(source="company_position")
    department = serializers.CharField()
    industry = serializers.CharField()
    linkedinUrl = serializers.CharField(source="linkedin_url")
    birthDate = serializers.DateField(source="birth_date", allow_null=True)
    gender = serializers.CharField()
    maritalStatus = serializers.CharField(source="marital_status")
    educationLevel = serializers.CharField(source="education_level")
    countryId = serializers.IntegerField(source="country_id")
    cityId = serializers.IntegerField(source="city_id")
    hashKey = serializers.CharField(source="hash_key")
    customFields = serializers.JSONField(source="custom_fields")
    groups = serializers.SerializerMethodField()
    groupsName = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    addresses = AddressOutputSerializer(many=True, source="addresses.all")
    paths = PathOutputSerializer(many=True, source="paths.all")
    contactAttributes = ContactAttributeOutputSerializer(many=True, source="attribute_values.all")
    createdSourceId = serializers.IntegerField(source="created_source_id", allow_null=True, read_only=True)
    modifiedSourceId = serializers.IntegerField(source="modified_source_id", allow_null=True, read_only=True)
    version = serializers.IntegerField(read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    def get_groups(self, contact) -> list[int]:
        return sorted(group.id for group in contact.groups.all())

    def get_groupsName(self, contact) -> list[str]:
        return [group.name for group in sorted(contact.groups.all(), key=lambda group: group.id)]

    def get_topics(self, contact) -> list[int]:
        return sorted(topic.id for topic in contact.topics.all())

    def get_tags(self, contact) -> list[str]:
        return [link.tag.name for link in contact.tag_links.all()]


# The whole contact as stored (from a ``contacts_for_read`` contact): the engagement figures
# follow flat at the top level (DESIGN §5.1), declared from one table. Answers are rendered
# by ``render.render_contact``, field for field the same; this documents them (OpenAPI) and
# fills the browsable API's forms.
ContactOutputSerializer = type(
    "ContactOutputSerializer",
    (ContactCoreOutputSerializer,),
    {wire: _engagement_field(wire, source) for wire, source in ENGAGEMENT_WIRE_NAMES.items()},
)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    channel = serializers.CharField()
    mode = serializers.CharField()
    actor = serializers.CharField()
    sourceId = serializers.IntegerField(source="source_id", allow_null=True)
    changes = serializers.SerializerMethodField(help_text="Native field name → {before, after}, in wire shapes.")

    def get_changes(self, entry) -> dict:
        return wire.render_changes(entry.changes)


class ChangeContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="contact_id_value")
    uid = serializers.CharField(source="contact_uid")
    externalId = serializers.CharField(source="contact_external_id")


class ChangeEventSerializer(serializers.Serializer):
    """One change event (DESIGN §11): the feed's entries and the webhooks' bodies."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(source="event_type", choices=EVENT_TYPE_CHOICES)
    organizationId = serializers.IntegerField(source="organization_id")
    contact = ChangeContactSerializer(source="*")
    version = serializers.IntegerField()
    at = serializers.DateTimeField()
    channel = serializers.CharField()
    actor = serializers.CharField(source="actor_name", help_text="The API key's username, or user:<name>.")
    sourceId = serializers.IntegerField(source="source_id", allow_null=True)
    idempotencyKey = serializers.CharField(source="idempotency_key")
    changes = serializers.SerializerMethodField(help_text="Native field name → {before, after}, in wire shapes.")

    def get_changes(self, change) -> dict:
        return wire.render_changes(change.changes)


class ChangeFeedSerializer(serializers.Serializer):
    changes = ChangeEventSerializer(many=True)
    nextCursor = serializers.CharField(help_text="Pass as ?after= to continue; the same when nothing was new.")


class ContactInputSerializer(ContactCoreOutputSerializer):
    """The request shape of native writes (documentation: the engine validates)."""

    groups = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="Group ids; only added.")
    groupsName = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Group names; only added."
    )
    topics = serializers.ListField(child=serializers.IntegerField(), required=False)
    tags = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Tag names; unknown ones are created."
    )
    sourceId = serializers.IntegerField(required=False, help_text="The Source making this change.")


class BatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["updated", "unchanged", "error"])
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class BatchResultSerializer(serializers.Serializer):
    results = BatchItemResultSerializer(many=True)


class MembershipInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """Names the group (``groupId`` wins over ``groupName``) and the contacts."""

    groupId = serializers.JSONField(required=False)
    groupName = serializers.JSONField(required=False)
    contactIds = serializers.ListField(child=serializers.JSONField(), required=False, max_length=1000)
    externalIds = serializers.ListField(child=serializers.JSONField(), required=False, max_length=1000)


class MembershipOutputSerializer(serializers.Serializer):
    groupId = serializers.IntegerField()
    changed = serializers.ListField(child=serializers.IntegerField())
    unchanged = serializers.ListField(child=serializers.IntegerField())


class PatchOperationSerializer(serializers.Serializer):
    """One OPS operation (``application/json-patch+json``)."""

    op = serializers.ChoiceField(choices=["add", "replace", "remove"])
    path = serializers.RegexField(
        r"^/", help_text="e.g. /firstName, /groupsName/~, /paths/pathId:2419/quietTimeFrames/name:night"
    )
    value = serializers.JSONField(required=False)


class PatchBatchItemSerializer(serializers.Serializer):
    """One item of an OPS batch: the contact (``id``, else ``externalId``) and its operations."""

    id = serializers.IntegerField(required=False, min_value=1)
    externalId = serializers.CharField(required=False)
    operations = PatchOperationSerializer(many=True)
