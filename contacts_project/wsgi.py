"""WSGI entry point, served in production by gunicorn (`gunicorn contacts_project.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contacts_project.settings")

application = get_wsgi_application()
