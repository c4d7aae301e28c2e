"""Undoing disguise before bid files are compared (issue 17 item 4).

A bidder who copies another's file and wants it to look different has cheap tricks: zero-width
characters between the letters (invisible when printed), Latin letters swapped for their Cyrillic or
Greek look-alikes, full-width forms for half-width ones (ＡＢＣ１２３ for ABC123), CJK compatibility
ideographs and Kangxi radicals for ordinary Han characters, and re-saving the file through another
application (handled by comparing content, never bytes). 条例 第40条(四) speaks of documents that are
*abnormally identical* (异常一致): what a reader sees as the same is the same, however it is encoded.

Order: delete the invisible characters, Unicode NFKC (full-width/half-width, compatibility ideographs,
Kangxi radicals, ligatures), then a small confusables map for the look-alike letters NFKC leaves
alone (Unicode's confusables.txt is the source; only the letters that occur in practice are kept, so
the map stays reviewable), then case folding.
"""

from __future__ import annotations

import re
import unicodedata

from bidwatch.shingling import normalise_text

#: zero-width and other invisible format characters (soft hyphen, joiners, marks, word joiner, BOM,
#: Mongolian vowel separator, variation selectors, the invisible operators, tag characters)
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)

#: look-alikes NFKC keeps distinct: Cyrillic and Greek letters drawn like Latin ones, and a few symbols
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I", "Ү": "Y",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "α": "a", "ι": "i", "κ": "k", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x",
    # digits and signs that pass for others
    "〇": "零", "○": "零", "ℓ": "l", "−": "-", "–": "-", "—": "-", "－": "-",
}
_CONFUSABLE_TABLE = str.maketrans({k: v for k, v in CONFUSABLES.items() if len(k) == 1})


def strip_invisible(text: str) -> str:
    """The text without zero-width and other invisible characters."""
    return _INVISIBLE.sub("", text)


def undisguise(text: str) -> str:
    """What a reader sees: invisible characters gone, NFKC, look-alike letters mapped, case folded."""
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    return text.translate(_CONFUSABLE_TABLE).casefold()


def comparable_text(text: str) -> str:
    """The text as compared: :func:`undisguise`, then letters and digits only (textsim's normalisation)."""
    return normalise_text(undisguise(text))


def comparable_value(value: object) -> str:
    """A metadata value (author, company, template...) as compared: undisguised, spaces removed, upper case
    (as the collusion indicators normalise fingerprints)."""
    if value is None:
        return ""
    text = undisguise(str(value))
    return re.sub(r"\s+", "", text).upper()
