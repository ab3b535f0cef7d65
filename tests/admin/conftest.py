"""Clients of the admin: a superuser, and a staff member of ``org`` only."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from contacts.models import Membership

APPS = ("contacts", "paths", "attributes")


@pytest.fixture
def staff_user(org) -> User:
    """A staff member of ``org`` only, with every permission of the project's apps."""
    user = User.objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    Membership.objects.create(user=user, organization=org)
    return user


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client
