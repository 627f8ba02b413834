"""Swedish (and English) text handling shared by both search backends.

Snowball stemming alone misses what Swedish users type: compounds ("lösenord" should find
"lösenordsbyte"), neuter definite forms ("kontot" is "konto"), and a few words people use
for the same thing. Both backends run document and query text through `expand_words`, so
they agree on what a word matches:

- normalisation: a short list of forms the stemmer leaves alone, plus a rule that strips a
  definite "-et"/"-t" when the remainder is a known word;
- decompounding: a word is split into known parts (with the linking "s" and a dropped
  "-e", as in "vårdnadshavarkoppling" = "vårdnadshavare" + "koppling"), and the parts are
  indexed beside the whole word;
- synonyms: a few pairs users mix up (e.g. "bankid" and "e-legitimation").

The lexicon of known words comes from the shipped help articles plus a short list below.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from helpdesk.text import mask_civic_numbers

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 12

# Forms the Swedish Snowball stemmer does not bring together, mapped to a base form.
NORMALISE_SV = {
    "kontot": "konto", "kontona": "konto", "kontots": "konto",
    "lösenordet": "lösenord", "lösenorden": "lösenord",
    "glömt": "glömma", "glömde": "glömma", "glömmer": "glömma", "glömd": "glömma", "glömda": "glömma",
    "loggar": "logga", "loggade": "logga", "loggat": "logga", "inloggad": "inloggning",
    "inloggningen": "inloggning", "inlogg": "inloggning",
    "barnet": "barn", "barnen": "barn",
    "ämnet": "ämne", "ämnen": "ämne",
    "nummer": "nummer", "numret": "nummer", "numren": "nummer",
    "brevet": "brev", "breven": "brev",
    "låst": "låsa", "låsta": "låsa", "låses": "låsa",
    "rektorn": "rektor", "rektorer": "rektor", "rektorerna": "rektor",
    "klassen": "klass", "klasser": "klass", "klasserna": "klass",
    "syns": "synas", "syntes": "synas", "synkas": "synk", "synken": "synk", "synkar": "synk",
    "autosynken": "autosynk",
    "mentorn": "mentor", "mentorer": "mentor", "mentorerna": "mentor",
    "nere": "driftstörning", "ligger": "ligga",
    "skärmbild": "skärmdump", "skärmbilder": "skärmdump", "skärmdumpar": "skärmdump",
}
NORMALISE_EN = {
    "passwords": "password", "logging": "log", "logged": "log", "login": "log",
    "logins": "log", "down": "outage", "screenshots": "screenshot",
}
# Words users type for the same thing; each side finds the other. They are data
# (synonyms.yaml), so the central team's words can be added without touching code.
SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms.yaml"


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, list[set[str]]]:
    """{"sv": [group, ...], "en": [...]}: each group a set of lower-case words; groups that
    share a word are merged into one."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[set[str]]] = {}
    for lang in ("sv", "en"):
        groups: list[set[str]] = []
        for line in raw.get(lang) or []:
            group = {str(w).strip().lower() for w in line if str(w).strip()}
            for other in [g for g in groups if g & group]:
                groups.remove(other)
                group |= other
            if len(group) > 1:
                groups.append(group)
        out[lang] = groups
    return out


_SYNONYMS = load_synonyms()
SYNONYMS_SV = _SYNONYMS["sv"]
SYNONYMS_EN = _SYNONYMS["en"]

# Parts that occur in compounds but seldom alone in the articles.
_BASE_WORDS = """
lösenord byte inloggning uppgifter uppgift vårdnadshavare koppling koppla medarbetare samtal
personal grupp grupper arbetslag lärare elev elever klass skola skolor förskola admin
administratör administration kommun organisation synk autosynk nummer samordning
undervisning kurs ämne mentor rektor special pedagog specialpedagog support grupp möte
avstämning lokal central ansvarig brev aktivering konto plattform skolplattform status sida
drift störning fråga frågor ärende svar personnummer person uppgifter register elevregister
nöd workshop träff hjälp resurser film filmer data
""".split()


def _article_words() -> set[str]:
    root = Path(__file__).resolve().parent.parent.parent / "kb_articles"
    words: set[str] = set()
    if root.is_dir():
        for path in root.rglob("*.md"):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            words.update(w.lower() for w in WORD.findall(text) if len(w) >= 3 and not w.isdigit())
    return words


LEXICON: frozenset[str] = frozenset(_article_words() | set(_BASE_WORDS))
_SYN_INDEX = {lang: {w: group for group in groups for w in group}
              for lang, groups in (("sv", SYNONYMS_SV), ("en", SYNONYMS_EN))}


def clean_query(raw: str | bytes | None) -> str:
    """What a reader typed, made safe: decoded, control characters and civic numbers gone,
    cut to a sensible length. Query syntax has no meaning here; only words count."""
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    raw = unicodedata.normalize("NFC", raw[: MAX_QUERY_CHARS * 4])
    raw = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in raw)
    raw = raw.replace("\ufffd", " ")
    masked, _ = mask_civic_numbers(raw)
    return " ".join(masked.split())[:MAX_QUERY_CHARS]


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


def _known(word: str) -> bool:
    return word in LEXICON


def normalise(word: str, lang: str = "sv") -> str:
    if lang == "en":
        return NORMALISE_EN.get(word, word)
    if word in NORMALISE_SV:
        return NORMALISE_SV[word]
    # The neuter definite "-et"/"-t" ("kontot", "lösenordet") the stemmer leaves alone.
    if len(word) > 5 and word.endswith("et") and _known(word[:-2]) and not _known(word):
        return word[:-2]
    if len(word) > 4 and word.endswith("t") and word[-2] in "aeiouyåäö" and _known(word[:-1]):
        return word[:-1]
    return word


@lru_cache(maxsize=50_000)
def decompound(word: str) -> tuple[str, ...]:
    """Known parts of a Swedish compound, longest first part first; () if none are found."""
    if len(word) < 7 or word.isdigit():
        return ()
    for i in range(len(word) - 3, 3, -1):
        head, tail = word[:i], word[i:]
        if _known(head):
            pass
        elif _known(head + "e"):
            head = head + "e"
        elif _known(head + "a"):
            head = head + "a"
        else:
            continue
        for rest in (tail, tail[1:] if tail.startswith("s") else None):
            if not rest or len(rest) < 3:
                continue
            if _known(rest):
                return (head, rest)
            deeper = decompound(rest)
            if deeper:
                return (head, *deeper)
    return ()


@lru_cache(maxsize=50_000)
def expand_word(word: str, lang: str = "sv") -> tuple[str, ...]:
    """The word itself (normalised) and what else it should match, before stemming."""
    base = normalise(word, lang)
    out = [base]
    if base != word:
        out.append(word)
    if lang == "sv":
        for part in decompound(base):
            if part not in out:
                out.append(normalise(part, lang))
    return tuple(dict.fromkeys(out))


def synonyms(word: str, lang: str = "sv", extra: dict | None = None) -> tuple[str, ...]:
    """The other words of the word's shipped groups, and of the organisation's own groups
    in `extra` ({language: {word: other words}}, see org_synonyms.for_reader)."""
    found = set(_SYN_INDEX.get(lang, {}).get(word, ()))
    if extra:
        found |= (extra.get(lang) or {}).get(word, frozenset())
    found.discard(word)
    return tuple(sorted(found))


# -- "did you mean" ----------------------------------------------------------------------
def edit_distance(a: str, b: str, cap: int = 3) -> int:
    """Edits between two words, a swap of two neighbouring letters counting as one (the
    commonest typo: "rektro"), giving up (returning cap + 1) once it exceeds cap."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    before, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        if min(current) > cap:
            return cap + 1
        before, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """How far a correction may be from what was typed: one edit, two in a long word."""
    return 2 if len(word) >= 8 else 1


def closest(word: str, candidates, uses) -> str | None:
    """The correction for a misspelt `word` among `candidates` (words the index knows): the
    fewest edits first, of equally near ones the word most help texts use (`uses(word)`),
    then the alphabet, so both backends and every run agree."""
    allowed = allowed_edits(word)
    near = [(edit_distance(word, c, allowed), c) for c in set(candidates) if c != word]
    near = [(d, c) for d, c in near if d <= allowed]
    if not near:
        return None
    fewest = min(d for d, _ in near)
    tied = sorted(c for d, c in near if d == fewest)
    if len(tied) == 1:
        return tied[0]
    return max(tied, key=lambda c: (uses(c), -tied.index(c)))


def expand_text(text: str, lang: str = "sv") -> str:
    """Document text with each word's extra forms written after it (for PostgreSQL)."""
    out = []
    for w in words(text):
        out.extend(expand_word(w, lang))
    return " ".join(out)


def plain_text(markdown_or_html: str) -> str:
    """Text without markup, for indexing and snippets."""
    import html

    text = re.sub(r"<[^>]+>", " ", markdown_or_html or "")
    text = re.sub(r"[#*_`>\[\]()|]+", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    return " ".join(html.unescape(text).split())


HL_START, HL_END = "\x02", "\x03"


def snippet_html(marked: str) -> str:
    """Escape a snippet whose highlights are marked with \\x02...\\x03, then add <mark>."""
    from markupsafe import escape

    out = str(escape(marked))
    return out.replace(HL_START, "<mark>").replace(HL_END, "</mark>")


def mark_snippet(text: str, is_match, maxchars: int = 220, surround: int = 60, top: int = 2) -> str:
    """Up to `top` passages of `text` around the words `is_match(word)` accepts, each at
    most about `maxchars` long, the matches marked with HL_START/HL_END and the passages
    joined by " … ". "" when no word matches."""
    # Each distinct word is asked about once (a text repeats its words), and a text none
    # of whose words match is not walked again.
    matching = {word for word in set(WORD.findall(text)) if is_match(word.lower())}
    if not matching:
        return ""
    found = [m for m in WORD.finditer(text) if m.group() in matching]
    # A passage starts at a match and takes the following matches that fit; the passages
    # with the most different matched words win, shown in the order of the text.
    passages = []
    i = 0
    while i < len(found):
        j = i
        while j + 1 < len(found) and found[j + 1].end() - found[i].start() <= maxchars - surround:
            j += 1
        words_in = {m.group().lower() for m in found[i:j + 1]}
        passages.append((len(words_in), -i, i, j))
        i = j + 1
    best = sorted(sorted(passages, reverse=True)[:top], key=lambda p: p[2])
    out = []
    for _, _, i, j in best:
        start = _word_edge(text, max(0, found[i].start() - surround), backwards=True)
        end = _word_edge(text, min(len(text), max(found[j].end() + surround, start + maxchars)))
        pieces, at = [], start
        for m in found[i:j + 1]:
            pieces.append(text[at:m.start()])
            pieces.append(HL_START + m.group() + HL_END)
            at = m.end()
        pieces.append(text[at:end])
        out.append("".join(pieces).strip())
    return " … ".join(out)


def _word_edge(text: str, at: int, backwards: bool = False) -> int:
    """Move `at` off the middle of a word, so a passage never starts or ends mid-word."""
    if backwards:
        while 0 < at < len(text) and text[at - 1].isalnum():
            at -= 1
        return at
    while 0 < at < len(text) and text[at].isalnum():
        at += 1
    return at
