"""``GET /rest/contacts/{org}?format=csv``: the filtered list, whole and streamed, in the
import's columns; errors and writes stay JSON."""

import csv
import io

from tests import factories


def rows_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_every_filtered_contact_in_one_stream(api, org, rich, plain_other):
    url = f"/rest/contacts/{org.pk}"

    everyone = rows_of(api.client.get(url, {"format": "csv", "pageSize": 1}))
    filtered = rows_of(api.client.get(url, {"format": "csv", "externalId": "001"}))

    assert sorted(int(row["id"]) for row in everyone) == sorted([rich, plain_other])
    assert [row["id"] for row in filtered] == [str(rich)]
    assert filtered[0]["firstName"] == api.get(rich)["firstName"]


def test_accept_text_csv_chooses_csv_too(api, org, rich):
    response = api.client.get(f"/rest/contacts/{org.pk}", HTTP_ACCEPT="text/csv")

    assert [row["externalId"] for row in rows_of(response)] == ["001"]


def test_a_bad_filter_answers_json(api, org):
    response = api.client.get(f"/rest/contacts/{org.pk}", {"format": "csv", "updatedSince": "yesterday"})

    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "updatedSince" in str(response.json())


def test_another_organization_and_missing_scope_are_refused(api, org, other_org, rich):
    other = factories.make_contact(other_org, first_name="Hidden")
    assert str(other.pk) not in [row["id"] for row in rows_of(api.client.get(f"/rest/contacts/{org.pk}?format=csv"))]

    assert api.client.get(f"/rest/contacts/{other_org.pk}?format=csv").status_code == 404
    write_only = factories.make_key(org, scopes=["contacts:write"])
    api.client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_only.secret}")
    response = api.client.get(f"/rest/contacts/{org.pk}?format=csv")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")


def test_the_query_count_does_not_grow_with_the_contacts(api, org, refs, django_assert_max_num_queries):
    for n in range(30):
        factories.make_contact(org, first_name=f"N{n}", external_id=f"e{n}")
    with django_assert_max_num_queries(20) as few:
        rows_of(api.client.get(f"/rest/contacts/{org.pk}", {"format": "csv", "externalId": "e1"}))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows_of(api.client.get(f"/rest/contacts/{org.pk}?format=csv"))) == 30
