"""Display labels of the fixed vocabularies (services, kinds of reading, languages).

They are interface strings: extracted into messages.pot from here (``N_`` marks them) and
translated with the rest of the interface.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, at render time."""
    return message


SERVICE_LABELS = {
    "legal": N_("Legal advice"),
    "shelter": N_("Shelter and housing"),
    "medical": N_("Medical care"),
    "language": N_("Japanese language lessons"),
    "detention-visits": N_("Detention visits"),
    "advocacy": N_("Advocacy"),
    "research": N_("Research"),
    "education": N_("Education and scholarships"),
    "employment": N_("Work and employment"),
    "counselling": N_("Counselling"),
    "financial": N_("Financial support"),
    "food-clothing": N_("Food and clothing"),
    "community": N_("Community and meeting places"),
    "information": N_("Information"),
    "resettlement": N_("Resettlement"),
    "self-help": N_("Self-help groups"),
}

KIND_LABELS = {
    "article": N_("Article"),
    "report": N_("Report"),
    "video": N_("Video"),
    "audio": N_("Audio"),
    "book": N_("Book"),
    "blog": N_("Blog post"),
    "journal-article": N_("Journal article"),
    "data": N_("Data"),
    "website": N_("Website"),
}
