"""What a reader must never see in a text the portal writes (an email, a PDF): HTML escapes, empty
placeholders, numbers, dates and times not written the French way. Shared by the email and PDF tests."""

import re

# What a reader must never see. Each pattern is a (name, regex) so that a failure says which rule.
ESCAPE = re.compile(r"&(?:#x?[0-9a-fA-F]+|amp|quot|lt|gt|apos|nbsp);")
PLAIN_TEXT_RULES = [
    ("HTML escape", ESCAPE),
    # An empty placeholder leaves two spaces before a punctuation mark ("c'est  !", "sur .").
    ("empty placeholder", re.compile(r"[ \u00a0\u202f]{2,}[!?:;.,»]")),
    ("space before a full stop or comma", re.compile(r"\S[ \u00a0\u202f][.,](?:\s|$)")),
    ("empty quotes or brackets", re.compile(r"«[ \u00a0\u202f]*»|\([ \u00a0\u202f]*\)")),
    ("decimal point in an amount", re.compile(r"\d\.\d+[ \u00a0\u202f]?€")),
    ("amount without thousands grouping", re.compile(r"(?<![\d.,])\d{4,}(?:,\d+)?[ \u00a0\u202f]?€")),
    ("time with a colon", re.compile(r"(?<![\d/])\d{1,2}:\d{2}(?![\d/])")),
    ("ISO date", re.compile(r"(?<![\d/-])\d{4}-\d{2}-\d{2}(?![\d/-])")),
    (
        "« 1 juin » for « 1er juin »",
        re.compile(
            r"\b1 (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
        ),
    ),
    ("English", re.compile(r"\b(?:Hello|Thank you|Dear|Your|Click)\b")),
    ("population without thousands grouping", re.compile(r"(?<![\d.,])\d{4,}[ \u00a0\u202f]habitants")),
]


# A link is read as an address, not as prose: its tokens (a signed "12:1vAbC…") are not times.
LINK = re.compile(r"https?://\S+")


def problems(text: str, rules=None) -> list[str]:
    text = LINK.sub("<lien>", text)
    found = []
    for name, pattern in rules or PLAIN_TEXT_RULES:
        for match in pattern.finditer(text):
            start = max(0, match.start() - 40)
            found.append(f"{name}: …{text[start : match.end() + 20]!r}…")
    return found
