"""Whether text is an email address, remembered (DESIGN §8): Django's validator runs a few
regular expressions per address, and a FULL update restates every address a contact has,
so the same ones come back again and again. Only the answer is kept, per process, and only
for text short enough to be an address."""

import functools

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

#: The longest address (RFC 3696 errata: 64 + 1 + 255); Django's validator refuses longer.
MAX_LENGTH = 320


def is_email(value: str) -> bool:
    """Whether ``value`` (already stripped) is a valid email address. Longer text is refused
    without being remembered, so that a client cannot fill the memory with it."""
    return len(value) <= MAX_LENGTH and _valid(value)


@functools.lru_cache(maxsize=8192)
def _valid(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
