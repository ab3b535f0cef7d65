"""Read helpers for delivery paths."""

from django.db.models import Prefetch

from paths.models import ContactPath


def contact_paths_prefetch(lookup: str = "paths") -> Prefetch:
    """Prefetch a contact's paths with their definitions and quiet time frames (2 queries)."""
    return Prefetch(
        lookup,
        queryset=ContactPath.objects.select_related("definition").prefetch_related("quiet_time_frames"),
    )
