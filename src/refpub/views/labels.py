"""Display labels of the fixed vocabularies (services, kinds of reading, languages).

They are interface strings: extracted into messages.pot from here (``N_`` marks them) and
translated with the rest of the interface.
"""

from __future__ import annotations


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

KIND_LABELS = {
    # Translators: the kind of a reading, printed before its publisher and date
    "article": N_("Article"),
    # Translators: the kind of a reading, printed before its publisher and date
    "report": N_("Report"),
    # Translators: the kind of a reading, printed before its publisher and date
    "video": N_("Video"),
    # Translators: the kind of a reading, printed before its publisher and date
    "audio": N_("Audio"),
    # Translators: the kind of a reading, printed before its publisher and date
    "book": N_("Book"),
    # Translators: the kind of a reading, printed before its publisher and date
    "blog": N_("Blog post"),
    # Translators: the kind of a reading, printed before its publisher and date
    "journal-article": N_("Journal article"),
    # Translators: the kind of a reading, printed before its publisher and date
    "data": N_("Data"),
    # Translators: the kind of a reading, printed before its publisher and date
    "website": N_("Website"),
}
