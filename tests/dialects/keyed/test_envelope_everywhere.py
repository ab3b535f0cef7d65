"""Every answer under /api/v2/ is in the keyed envelope (DESIGN §10): unknown routes and
methods included, with reply code 1001; other API prefixes answer in their own envelopes."""

from rest_framework.test import APIClient


def test_an_unknown_keyed_route_answers_in_the_keyed_envelope(key):
    response = APIClient().get("/api/v2/nothing/here", HTTP_X_API_KEY=key.secret)

    assert response.status_code == 404
    assert response.json() == {"replyCode": 1001, "replyText": "No route for /api/v2/nothing/here.", "data": ""}


def test_an_unsupported_method_answers_in_the_keyed_envelope(key):
    response = APIClient().delete("/api/v2/contact", HTTP_X_API_KEY=key.secret)

    assert response.status_code == 405
    assert response.json()["replyCode"] == 1001 and response.json()["data"] == ""
    assert "PUT" in response["Allow"]


def test_other_prefixes_keep_their_own_envelopes(db):
    external = APIClient().get("/external/v1/nothing")
    native = APIClient().get("/rest/nothing/at/all/here")

    assert external.status_code == 404 and external.json()["error"]["code"] == "NOT_FOUND"
    assert native.status_code == 404 and native.json()["code"] == "NOT_FOUND"
