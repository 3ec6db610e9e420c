"""Display labels of the fixed vocabularies (services, kinds of reading, languages).

They are interface strings: extracted into messages.pot from here (``N_`` marks them) and
translated with the rest of the interface.
"""

from __future__ import annotations

from ..content.schema import READING_KIND_TABLE


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, at render time."""
    return message


# Translators: the punctuation between a label and its value ("Services: Legal advice"); keep the
# space if your language writes one (Japanese writes "：", a full-width colon, and no space).
LABEL_SEPARATOR = N_(": ")

SERVICE_LABELS = {
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "legal": N_("Legal advice"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "shelter": N_("Shelter and housing"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "medical": N_("Medical care"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "language": N_("Japanese language lessons"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "detention-visits": N_("Detention visits"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "advocacy": N_("Advocacy"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "research": N_("Research"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "education": N_("Education and scholarships"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "employment": N_("Work and employment"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "counselling": N_("Counselling"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "financial": N_("Financial support"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "food-clothing": N_("Food and clothing"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "community": N_("Community and meeting places"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "information": N_("Information"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "resettlement": N_("Resettlement"),
    # Translators: a service an organisation offers, listed under its name and in the index by service
    "self-help": N_("Self-help groups"),
}

# The kinds of reading: their labels are declared with the kinds (content/schema.py).
KIND_LABELS = {kind.id: kind.label for kind in READING_KIND_TABLE}
