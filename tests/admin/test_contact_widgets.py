"""The contact page's widgets (DESIGN §12), each as a round trip: post what a person enters,
read the contact back over the native API, and find the stored value shown in the widget.
Bad input is reported on the field it concerns and changes nothing."""

import pytest

from attributes.models import DataType, DisplayFormat
from contacts.models import Contact, ContactChange
from contacts.services import ChangeSet
from paths.models import PathKind
from tests import factories
from tests.admin.helpers import (
    add_form_data,
    change_url,
    checked_values,
    form_data,
    frame_rows,
    input_value,
    page_inputs,
    selected_options,
    stored_frame_rows,
)
from tests.engine.builders import apply

FRAMES = "paths-0-quiet_time_frames"


@pytest.fixture
def definitions(org) -> dict:
    factories.make_path(org, "phone", PathKind.PHONE)
    return {
        "single": factories.make_attribute(org, "single", display_format=DisplayFormat.SINGLE_CHOICE),
        "multi": factories.make_attribute(org, "multi", display_format=DisplayFormat.MULTIPLE_CHOICE),
        "sizes": factories.make_attribute(
            org, "sizes", data_type=DataType.NUMBER, display_format=DisplayFormat.SINGLE_CHOICE, defined_values=[1, 2]
        ),
        "date": factories.make_attribute(org, "date", data_type=DataType.DATE, display_format=DisplayFormat.FREE_TEXT),
        "number": factories.make_attribute(
            org, "number", data_type=DataType.NUMBER, display_format=DisplayFormat.FREE_TEXT
        ),
        "text": factories.make_attribute(org, "text", display_format=DisplayFormat.FREE_TEXT),
    }


@pytest.fixture
def contact(org, definitions) -> Contact:
    factories.make_tag(org, "vip")
    [result] = apply(
        org,
        [
            ChangeSet(
                values={
                    "external_id": "001",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "record_type_name": "Employee",
                    "timezone_id": "Europe/Berlin",
                    "paths": [
                        {
                            "prompt": "phone",
                            "value": "+49 30 1234567",
                            "quiet_time_frames": [{"name": "night", "days": [1, 7], "from_hour": 22, "to_hour": 7}],
                        }
                    ],
                    "attributes": [{"name": "single", "values": ["option1"]}],
                }
            )
        ],
    )
    return Contact.objects.get(pk=result.contact_id)


def api_contact(api_client, contact: Contact) -> dict:
    response = api_client.get(f"/rest/contacts/{contact.organization_id}/{contact.pk}")
    assert response.status_code == 200, response.content
    return response.json()


def unchanged(contact: Contact, version: int = 1, history: int = 1) -> bool:
    contact.refresh_from_db()
    return contact.version == version and ContactChange.objects.filter(contact=contact).count() == history


# Quiet time frames


def test_frames_round_trip_through_the_api_and_back_into_the_widget(staff_client, api_client, contact):
    [night] = stored_frame_rows(contact.paths.get())
    rows = [
        night | {"days": [2, 3, 4], "from": "21:30", "to": "06:15"},
        {"name": "lunch", "days": [2, 3, 4, 5, 6], "from": "12:00", "to": "13:05"},
    ]

    response = staff_client.post(change_url(contact), form_data(contact) | frame_rows(FRAMES, rows))

    assert response.status_code == 302
    [path] = api_contact(api_client, contact)["paths"]
    assert path["quietTimeFrames"] == [
        {"name": "night", "days": [2, 3, 4], "fromHour": 21, "fromMin": 30, "toHour": 6, "toMin": 15},
        {"name": "lunch", "days": [2, 3, 4, 5, 6], "fromHour": 12, "fromMin": 0, "toHour": 13, "toMin": 5},
    ]
    page = staff_client.get(change_url(contact)).content.decode()
    assert checked_values(page, f"{FRAMES}-0-days") == ["2", "3", "4"]
    assert checked_values(page, f"{FRAMES}-1-days") == ["2", "3", "4", "5", "6"]
    assert (input_value(page, f"{FRAMES}-0-from"), input_value(page, f"{FRAMES}-0-to")) == ("21:30", "06:15")
    assert (input_value(page, f"{FRAMES}-1-name"), input_value(page, f"{FRAMES}-1-from")) == ("lunch", "12:00")
    # A blank row to add one more, without script.
    assert input_value(page, f"{FRAMES}-rows") == "3"
    assert input_value(page, f"{FRAMES}-2-name") == ""
    time_inputs = [i for i in page_inputs(page).inputs if i.get("name", "").startswith(FRAMES) and i["type"] == "time"]
    assert len(time_inputs) == 6


def test_a_frame_marked_for_deletion_is_removed(staff_client, api_client, contact):
    [night] = stored_frame_rows(contact.paths.get())

    response = staff_client.post(
        change_url(contact), form_data(contact) | frame_rows(FRAMES, [night | {"delete": True}])
    )

    assert response.status_code == 302
    assert api_contact(api_client, contact)["paths"][0]["quietTimeFrames"] == []
    history = ContactChange.objects.filter(contact=contact).first()
    assert history.channel == "admin" and set(history.changes) == {"paths"}


def test_a_post_without_frame_inputs_keeps_the_stored_frames(staff_client, contact):
    data = {key: value for key, value in form_data(contact).items() if not key.startswith(FRAMES)}

    response = staff_client.post(change_url(contact), data)

    assert response.status_code == 302
    assert unchanged(contact)
    assert contact.paths.get().quiet_time_frames.count() == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"name": "night", "days": [], "from": "22:00", "to": "07:00"}, "Frame 1 (night): check at least one day."),
        ({"name": "", "days": [1], "from": "25:00", "to": "07:00"}, "Frame 1: enter the from time as HH:MM"),
        ({"name": "", "days": [1], "from": "22:00", "to": "soon"}, "Frame 1: enter the to time as HH:MM"),
        ({"name": "", "days": [8], "from": "22:00", "to": "07:00"}, "Frame 1: days must be 1 (Sunday) to 7"),
    ],
)
def test_an_invalid_frame_is_reported_on_its_path_row_and_changes_nothing(staff_client, contact, row, message):
    response = staff_client.post(change_url(contact), form_data(contact) | frame_rows(FRAMES, [row]))

    assert response.status_code == 200
    [paths] = [
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "paths"
    ]
    assert any(message in error for error in paths.forms[0].errors["quiet_time_frames"])
    assert unchanged(contact)
    assert contact.paths.get().quiet_time_frames.get().day_numbers == [1, 7]


def test_engine_problems_with_frames_show_on_the_path_row(staff_client, contact):
    frame = {"name": "night", "days": [1], "from": "22:00", "to": "07:00"}

    response = staff_client.post(change_url(contact), form_data(contact) | frame_rows(FRAMES, [frame, frame]))

    assert response.status_code == 200
    [paths] = [
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "paths"
    ]
    assert paths.forms[0].errors["quiet_time_frames"] == ["Quiet time frame names must be unique within a path."]
    assert unchanged(contact)


def test_frames_without_a_time_zone_are_refused_on_the_time_zone(staff_client, contact):
    response = staff_client.post(change_url(contact), form_data(contact, timezone_id=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["timezone_id"] == [
        "A time zone (IANA name) is required with quiet time frames."
    ]
    assert unchanged(contact)


# Attribute values


@pytest.mark.parametrize(
    ("name", "entered", "stored"),
    [
        ("single", "option2", ["option2"]),
        ("multi", ["option1", "option3"], ["option1", "option3"]),
        ("sizes", "2", [2]),
        ("date", "2024-02-29", ["2024-02-29"]),
        ("number", "42", [42]),
        ("number", "-1.5", [-1.5]),
        ("text", "likes tea", ["likes tea"]),
    ],
)
def test_attribute_values_round_trip(staff_client, api_client, contact, definitions, name, entered, stored):
    definition = definitions[name]
    field = f"attr_{definition.pk}"

    response = staff_client.post(change_url(contact), form_data(contact) | {field: entered})

    assert response.status_code == 302, response.context["adminform"].form.errors
    values = {item["name"]: item["values"] for item in api_contact(api_client, contact)["contactAttributes"]}
    assert values[name] == stored
    page = staff_client.get(change_url(contact)).content.decode()
    if definition.display_format == DisplayFormat.MULTIPLE_CHOICE:
        assert checked_values(page, field) == entered
    elif definition.display_format == DisplayFormat.SINGLE_CHOICE:
        assert selected_options(page, field) == [entered]
    else:
        [widget] = [i for i in page_inputs(page).inputs if i.get("name") == field]
        assert widget["type"] == {"date": "date", "number": "number", "text": "text"}[name]
        assert widget["value"] == entered


def test_an_empty_attribute_field_removes_the_value(staff_client, api_client, contact, definitions):
    response = staff_client.post(change_url(contact), form_data(contact) | {f"attr_{definitions['single'].pk}": ""})

    assert response.status_code == 302
    assert api_contact(api_client, contact)["contactAttributes"] == []
    page = staff_client.get(change_url(contact)).content.decode()
    assert selected_options(page, f"attr_{definitions['single'].pk}") == [""]


def test_the_single_choice_select_offers_the_defined_values_and_an_empty_choice(staff_client, contact, definitions):
    page = staff_client.get(change_url(contact)).content.decode()

    field = f"attr_{definitions['single'].pk}"
    assert [o["value"] for o in page_inputs(page).options if o["select"] == field] == [
        "",
        "option1",
        "option2",
        "option3",
    ]
    assert selected_options(page, field) == ["option1"]


@pytest.mark.parametrize(
    ("name", "entered", "message"),
    [
        ("number", "many", "number: 'many' must be a number."),
        ("date", "2024-02-30", "date: '2024-02-30' must be a date (YYYY-MM-DD)."),
        ("single", "option9", "single: 'option9' is not one of: option1, option2, option3."),
    ],
)
def test_an_invalid_attribute_value_is_shown_on_its_field_and_changes_nothing(
    staff_client, contact, definitions, name, entered, message
):
    field = f"attr_{definitions[name].pk}"

    response = staff_client.post(change_url(contact), form_data(contact, first_name="Augusta") | {field: entered})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert unchanged(contact)
    assert contact.first_name == "Ada"


def test_the_add_page_offers_the_attributes_of_the_organization_in_the_address(
    staff_client, api_client, org, definitions
):
    url = f"/admin/contacts/contact/add/?organization={org.pk}"
    form = staff_client.get(url).context["adminform"].form
    assert f"attr_{definitions['multi'].pk}" in form.fields
    assert form.initial["organization"] == org.pk

    data = add_form_data(
        org,
        external_id="new",
        first_name="Grace",
        last_name="Hopper",
        **{f"attr_{definitions['multi'].pk}": ["option2"]},
    )
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Contact.objects.get(organization=org, external_id="new")
    assert api_contact(api_client, created)["contactAttributes"] == [
        {"orgAttrId": definitions["multi"].pk, "name": "multi", "values": ["option2"]}
    ]


def test_the_add_page_without_an_organization_explains_where_the_attributes_are(
    superuser_client, org, other_org, definitions
):
    response = superuser_client.get("/admin/contacts/contact/add/")

    form = response.context["adminform"].form
    assert not [name for name in form.fields if name.startswith("attr_")]
    page = response.content.decode()
    assert "The attribute fields appear once the organization is known" in page
    assert f"?organization={org.pk}" in page and f"?organization={other_org.pk}" in page


# Groups, topics and tags


def test_groups_and_topics_are_autocompleted(staff_client, contact):
    page = staff_client.get(change_url(contact)).content.decode()

    for name in ("groups", "topics", "record_type"):
        [select] = [line for line in page.splitlines() if f'name="{name}"' in line and "<select" in line]
        assert "admin-autocomplete" in select


def test_tags_are_suggested_from_the_organizations_names_only(staff_client, org, other_org, contact):
    factories.make_tag(org, "volunteer")
    factories.make_tag(org, "press")
    factories.make_tag(other_org, "vip-globex")
    url = "/admin/contacts/contact/tag-names/"

    ours = staff_client.get(url, {"organization": org.pk, "term": "v"}).json()
    theirs = staff_client.get(url, {"organization": other_org.pk, "term": ""}).json()

    assert ours == {"results": ["vip", "volunteer"]}
    assert theirs == {"results": []}


def test_tags_round_trip_keeping_free_entry(staff_client, api_client, contact):
    response = staff_client.post(change_url(contact), form_data(contact, tag_list="vip, brand new"))

    assert response.status_code == 302
    assert api_contact(api_client, contact)["tags"] == ["vip", "brand new"]
    page = staff_client.get(change_url(contact)).content.decode()
    [tags] = [i for i in page_inputs(page).inputs if i.get("name") == "tag_list"]
    assert tags["value"] == "vip, brand new"
    assert tags["data-tag-names-url"] == "/admin/contacts/contact/tag-names/"
    assert tags["data-organization"] == str(contact.organization_id)
    assert f'<datalist id="{tags["list"]}">' in page


def test_the_add_page_never_offers_another_organizations_attributes(staff_client, org, other_org, definitions):
    theirs = factories.make_attribute(other_org, "globex-secret")

    form = staff_client.get(f"/admin/contacts/contact/add/?organization={other_org.pk}").context["adminform"].form

    assert f"attr_{theirs.pk}" not in form.fields
    # The member's only organization is chosen for them instead.
    assert f"attr_{definitions['multi'].pk}" in form.fields


def test_attributes_entered_for_one_organization_are_not_saved_to_another(
    superuser_client, org, other_org, definitions
):
    field = f"attr_{definitions['multi'].pk}"
    data = add_form_data(other_org, external_id="moved")
    url = f"/admin/contacts/contact/add/?organization={org.pk}"

    refused = superuser_client.post(url, data | {field: ["option1"]})
    accepted = superuser_client.post(url, data | {field: []})

    assert refused.status_code == 200
    assert "another organization" in refused.context["adminform"].form.errors["organization"][0]
    assert accepted.status_code == 302
    created = Contact.objects.get(external_id="moved")
    assert created.organization_id == other_org.pk and not created.attribute_values.exists()
