"""Finding numbers in Dutch text (5.000 → 5000, 37,8 → 37.8)."""
import re
from typing import List

# Thousands with a dot, decimals with a comma. A plain dot between digit groups that are
# not three long (e.g. "1.5") is read as a decimal point.
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:\.\d{3})*(?:,\d+)?|(?<![\w.,])\d+\.\d+")
_URL = re.compile(r"(https?://\S+|www\.\S+|\b[\w-]+\.(?:nl|com|org|eu)\S*)", re.I)


def numbers_in(text: str) -> List[float]:
    """All numbers written with digits in `text`, ignoring web addresses."""
    text = _URL.sub(" ", text)
    found = []
    for raw in _NUMBER.findall(text):
        if re.fullmatch(r"\d+(?:\.\d{3})+(?:,\d+)?", raw):
            value = raw.replace(".", "").replace(",", ".")
        elif "," in raw:
            value = raw.replace(",", ".")
        else:
            value = raw
        found.append(float(value))
    return found


def has_digits(text: str) -> bool:
    return bool(re.search(r"\d", _URL.sub(" ", text)))
