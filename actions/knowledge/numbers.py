"""Finding numbers, phone numbers and web addresses in text.

Dutch style (the default): 5.000 → 5000, 37,8 → 37.8. English style: 5,000 → 5000,
37.8 → 37.8. Web addresses are ignored when reading numbers.
"""
import re
from typing import List, Set

# Thousands with a dot, decimals with a comma. A plain dot between digit groups that are
# not three long (e.g. "1.5") is read as a decimal point.
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:\.\d{3})*(?:,\d+)?|(?<![\w.,])\d+\.\d+")
# English: thousands with a comma, decimals with a dot.
_NUMBER_EN = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?")
_URL = re.compile(r"(https?://\S+|www\.\S+|\b[\w-]+\.(?:nl|com|org|eu|info|net)\b\S*)", re.I)
# Phone numbers as the knowledge base writes them: 0800-0432, 033 448 11 86, 0900-0101.
_PHONE = re.compile(r"(?<![\w.,])0\d{2,4}(?:[ -]?\d){5,8}(?![\w])")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def numbers_in(text: str, style: str = "dutch") -> List[float]:
    """All numbers written with digits in `text`, ignoring web addresses."""
    text = _URL.sub(" ", text)
    if style == "english":
        return [float(raw.replace(",", "")) for raw in _NUMBER_EN.findall(text)]
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


def urls_in(text: str) -> Set[str]:
    """Web addresses in `text`, without a trailing full stop and without the scheme."""
    found = set()
    for raw in _URL.findall(text):
        url = re.sub(r"^(https?://)?(www\.)?", "", raw.rstrip(".,;:)!?\"'”").lower())
        found.add(url.rstrip("/"))
    return found


def phones_in(text: str) -> Set[str]:
    """Phone numbers in `text`, as digits only."""
    return {re.sub(r"\D", "", p) for p in _PHONE.findall(_URL.sub(" ", text))}


def placeholders_in(text: str) -> Set[str]:
    return set(_PLACEHOLDER.findall(text))


def digits_only(text: str) -> str:
    """`text` with the separators between digits removed ("0800-0432" → "08000432")."""
    return re.sub(r"(?<=\d)[\s\-./]+(?=\d)", "", text)


def same_number(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def occurs_in(value: float, texts: List[str]) -> bool:
    """Does `value` occur in one of `texts`, read the Dutch or the English way?

    Ranges ("5.000-7.500"), percentages ("36 procent", "36%") and "1 op de 3" all give their
    separate numbers.
    """
    for text in texts:
        for style in ("dutch", "english"):
            if any(same_number(value, n) for n in numbers_in(text, style)):
                return True
    return False
