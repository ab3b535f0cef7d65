"""The field registry: fixed system field ids (DESIGN §5) plus the organization's attributes
by their ``field_id``. Choice fields accept the value or its 1-based choice id."""

from dataclasses import dataclass
from typing import Any

from attributes.selectors import attribute_definitions

SCALAR, ADDRESS, ATTRIBUTE = "scalar", "address", "attribute"


@dataclass(frozen=True)
class Field:
    id: int
    name: str
    application_type: str
    kind: str  # SCALAR (a contact column), ADDRESS (of the first address) or ATTRIBUTE
    target: Any  # the canonical column, the address key, or the attribute definition
    choices: tuple[str, ...] = ()

    @property
    def is_choice(self) -> bool:
        return self.application_type in {"singlechoice", "multichoice"}

    @property
    def is_multiple(self) -> bool:
        return self.application_type == "multichoice"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "application_type": self.application_type}


def _scalar(field_id: int, name: str, application_type: str = "shorttext", choices: tuple[str, ...] = ()) -> Field:
    return Field(field_id, name, application_type, SCALAR, name, choices)


def _address(field_id: int, name: str, key: str) -> Field:
    return Field(field_id, name, "shorttext", ADDRESS, key)


SYSTEM_FIELDS: dict[int, Field] = {
    field.id: field
    for field in (
        _scalar(1, "first_name"),
        _scalar(2, "last_name"),
        _scalar(3, "email", "email"),
        _scalar(4, "birth_date", "date"),
        _scalar(5, "gender", "singlechoice", ("male", "female", "unknown")),
        _scalar(6, "marital_status", "singlechoice", ("single", "married", "unknown")),
        _scalar(8, "education_level"),
        _scalar(9, "title"),
        _address(10, "address", "street_address"),
        _address(11, "city", "city"),
        _address(12, "state", "state"),
        _address(13, "zip", "postal_code"),
        _address(14, "country", "country"),
        _scalar(15, "phone", "phone"),
        _scalar(16, "fax", "phone"),
        _scalar(17, "company_position"),
        _scalar(18, "company_name"),
        _scalar(19, "department"),
        _scalar(20, "industry"),
        _scalar(21, "phone_home", "phone"),
        _scalar(25, "linkedin_url", "longtext"),
        _scalar(26, "preferred_email_format", "singlechoice", ("html", "text")),
        _scalar(31, "status", "singlechoice", ("on", "off", "suppressed")),
        _scalar(50, "external_id"),
    )
}
EXTERNAL_ID_FIELD = 50
ATTRIBUTE_TYPES = {"STRING": "shorttext", "NUMBER": "numeric", "DATE": "date"}
CHOICE_TYPES = {"L": "singlechoice", "S": "multichoice"}


def field_registry(organization) -> dict[int, Field]:
    """System fields and the organization's attributes, keyed by field id (one query)."""
    registry = dict(SYSTEM_FIELDS)
    for definition in attribute_definitions(organization).order_by("field_id"):
        application_type = CHOICE_TYPES.get(definition.display_format) or ATTRIBUTE_TYPES[definition.data_type]
        registry[definition.field_id] = Field(
            definition.field_id,
            definition.name,
            application_type,
            ATTRIBUTE,
            definition,
            tuple(str(value) for value in definition.defined_values),
        )
    return registry


def choice_value(field: Field, raw: object) -> object:
    """A choice given by its value, or by its 1-based choice id; anything else is passed on
    as sent, for the engine to report."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        return raw
    text = str(raw)
    if text in field.choices:
        return text
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(field.choices):
        return field.choices[int(text) - 1]
    return raw
