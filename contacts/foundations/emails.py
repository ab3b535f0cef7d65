"""Whether text is an email address, remembered (DESIGN §8): Django's validator runs a few
regular expressions per address, and a FULL update restates every address a contact has,
so the same ones come back again and again. Only the answer is kept, per process."""

import functools

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@functools.lru_cache(maxsize=8192)
def is_email(value: str) -> bool:
    """Whether ``value`` (already stripped) is a valid email address."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
