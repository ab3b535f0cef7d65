"""Staff tools in a real browser (DESIGN §12): log in, edit a path's quiet time frame and an
attribute value on the contact page, save, see the change and its history row; import a CSV
with one bad row, read the preview, confirm. Every step leaves a screenshot."""

import pytest
from django.contrib.auth.models import User
from selenium.webdriver.common.by import By

from attributes.models import DataType, DisplayFormat
from contacts.models import Contact, ContactChange, Membership
from contacts.services import Actor, ChangeSet, Channel, UpdateMode, apply_update
from paths.models import PathKind
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def clerk(org):
    user = User.objects.create_superuser("clerk", "clerk@example.com", PASSWORD)
    Membership.objects.create(user=user, organization=org)
    return user


@pytest.fixture
def contact(org) -> Contact:
    factories.make_path(org, "phone", PathKind.PHONE)
    factories.make_attribute(
        org,
        "size",
        data_type=DataType.STRING,
        display_format=DisplayFormat.SINGLE_CHOICE,
        defined_values=["S", "M", "L"],
    )
    frame = {"name": "night", "days": [1, 7], "from_hour": 22, "from_min": 0, "to_hour": 7, "to_min": 0}
    result = apply_update(
        organization=org,
        item=ChangeSet(
            values={
                "external_id": "c-1",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "timezone_id": "Europe/London",
                "paths": [{"prompt": "phone", "value": "+442079460000", "quiet_time_frames": [frame]}],
                "attributes": [{"name": "size", "values": ["M"]}],
            }
        ),
        mode=UpdateMode.PARTIAL,
        actor=Actor(label="setup"),
        channel=Channel.NATIVE,
    )
    return Contact.objects.get(pk=result.contact_id)


def log_in(browser, request) -> None:
    browser.open("/admin/login/?next=/admin/")
    browser.driver.find_element(By.NAME, "username").send_keys("clerk")
    browser.driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.screenshot(request, "login")
    browser.submit(browser.driver.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    assert "Site administration" in browser.driver.title


def test_a_staff_user_edits_a_quiet_time_frame_and_an_attribute(browser, request, org, clerk, contact, api_client):
    log_in(browser, request)
    browser.open("/admin/contacts/contact/")
    assert browser.page_width() <= browser.viewport_width(), "the list fits a 1,366 px screen"
    browser.screenshot(request, "list")
    browser.open(f"/admin/contacts/contact/{contact.pk}/change/")
    driver = browser.driver
    frames = "paths-0-quiet_time_frames"

    driver.find_element(By.CSS_SELECTOR, f"input[name='{frames}-0-days'][value='4']").click()  # + Wednesday
    to_time = driver.find_element(By.NAME, f"{frames}-0-to")
    driver.execute_script("arguments[0].value = '06:30'", to_time)
    size = next(
        element for element in driver.find_elements(By.CSS_SELECTOR, "select[name^='attr_']") if element.is_displayed()
    )
    size.find_element(By.CSS_SELECTOR, "option[value='L']").click()
    browser.screenshot(request, "edited")
    browser.submit(driver.find_element(By.NAME, "_continue"))

    assert "was changed successfully" in driver.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    browser.screenshot(request, "saved")
    assert driver.find_element(By.CSS_SELECTOR, f"input[name='{frames}-0-days'][value='4']").is_selected()
    assert driver.find_element(By.NAME, f"{frames}-0-to").get_attribute("value") == "06:30"
    history = driver.find_element(By.CSS_SELECTOR, "table.contact-history tbody tr").text
    assert "admin" in history and "user:clerk" in history
    assert "Sun, Wed, Sat 22:00\u201306:30" in history and "Attributes: size: M → size: L" in history
    stored = api_client.get(f"/rest/contacts/{org.pk}/{contact.pk}").json()
    frame = stored["paths"][0]["quietTimeFrames"][0]
    assert (frame["days"], frame["toHour"], frame["toMin"]) == ([1, 4, 7], 6, 30)
    assert stored["contactAttributes"][0]["values"] == ["L"] and stored["version"] == 2


def test_a_staff_user_imports_a_csv_after_reading_its_preview(browser, request, org, clerk, tmp_path):
    factories.make_group(org, "group1")
    path = tmp_path / "people.csv"
    path.write_text(
        "externalId,firstName,lastName,email,groupsName\nb-1,Bea,One,bea@example.com,group1\nb-2,Bad,Row,not-an-email,\nb-3,Cy,Three,,\n"
    )
    log_in(browser, request)

    browser.open("/admin/contacts/contact/")
    browser.submit(browser.driver.find_element(By.CSS_SELECTOR, "a.importlink"))
    browser.driver.find_element(By.NAME, "file").send_keys(str(path))
    browser.screenshot(request, "upload")
    browser.submit(browser.driver.find_element(By.NAME, "preview"))

    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#import-rows tbody tr")
    browser.screenshot(request, "preview")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows] == ["error", "created", "created"]
    assert "email" in rows[0].text and "not-an-email" in rows[0].text
    assert not Contact.objects.exists(), "the preview writes nothing"

    browser.submit(browser.driver.find_element(By.NAME, "confirm"))
    browser.screenshot(request, "done")
    assert "2 created, 0 updated, 0 unchanged, 1 error" in browser.driver.find_element(By.ID, "import-summary").text
    assert sorted(Contact.objects.values_list("external_id", flat=True)) == ["b-1", "b-3"]
    assert set(ContactChange.objects.values_list("channel", flat=True)) == {"import"}
