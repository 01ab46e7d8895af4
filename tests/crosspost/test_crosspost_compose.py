"""The composer: every post fits its platform as the platform counts, whatever the text, and the
link is always there whole."""

from __future__ import annotations

import datetime
import re

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.vocabulary import PLATFORMS
from crosspost.compose import ELLIPSIS, clean, compose, compose_all, rules
from engagement.output.social import social_copy
from fixtures.site import ROOT
from platforms import bluesky, counting, mastodon, x
from platforms.values import Entry

PUBLISHED = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
URL = "https://engage.example.nhs.uk/blog/urgent-care-plans-vale-cross/"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦
TEMPLATE = re.compile(r"\{hashtag\|\\#\|[^|{}@\[\]()<>#\\*_~]+\}")
RESERVED = set("|{}@[]()<>#\\*_~")


def entry(
    title: str = "Our plans for urgent care in Vale Cross",
    summary: str = "We are proposing an urgent treatment centre.",
    *,
    url: str = URL,
    hashtags: tuple[str, ...] = ("#UrgentCare", "#ValeCross", "#Consultation"),
    text: dict[str, str] | None = None,
) -> Entry:
    return Entry("tag:engage,2026:1", url, title, summary, PUBLISHED, hashtags, text or {})


# -- Counting, by hand -----------------------------------------------------------------------


def test_mastodon_counts_any_link_as_23():
    long_link = "https://example.nhs.uk/" + "a" * 77
    assert len(long_link) == 100
    assert mastodon.length(long_link) == 23
    assert mastodon.length(f"Read this: {long_link}") == 11 + 23
    assert mastodon.length("https://a.uk") == 23  # a short link counts 23 too
    # The link ends where twitter-text ends it: not at the "." or the ")" it did not open.
    assert mastodon.length("(see https://a.nhs.uk/x_(y)) now.") == 5 + 23 + 6


def test_mastodon_counts_graphemes_and_local_part_of_mentions():
    assert mastodon.length(FAMILY) == 1
    assert mastodon.length("e\u0301") == 1  # e + combining acute: one character
    assert mastodon.length("@alice@mastodon.social hi") == len("@alice hi")
    assert mastodon.length("mail@alice@mastodon.social") == 26  # not a mention
    assert mastodon.length("111.nhs.uk") == 10  # no protocol: not counted as a link


def test_x_counts_cjk_as_two_and_emoji_sequences_as_one_unit_of_two():
    assert x.length("你好") == 4
    assert x.length(FAMILY) == 2
    assert x.length("\U0001f44d\U0001f3fd") == 2  # thumbs up, skin tone
    assert x.length("\U0001f1ec\U0001f1e7") == 2  # flag: GB
    assert x.length("\u2764\ufe0f\u200d\U0001f525") == 2  # heart on fire (Emoji 13.1)
    assert x.length("cafe\u0301") == 4  # NFC first: é is one code point
    assert x.length("\u2019") == 1  # right single quote is in 8208-8223
    assert x.length(ELLIPSIS) == 2  # U+2026 is outside the light ranges
    assert x.length("https://example.nhs.uk/" + "a" * 77) == 23
    assert x.length("Visit 111.nhs.uk") == 6 + 23  # a bare domain is a link on X


def test_bluesky_counts_graphemes_and_bytes():
    assert bluesky.length(FAMILY) == 1
    assert counting.utf8_bytes(FAMILY) == 25
    assert bluesky.length("https://a.uk/xyz") == 16  # links count in full


def test_grapheme_count_keeps_to_the_larger_pre_unicode_15_1_count():
    # Devanagari conjuncts: one cluster each under GB9c (Unicode 15.1), two before it.
    assert counting.graphemes("क्षत्रिय") == 5


# -- The sample site's post ------------------------------------------------------------------


def sample_entry() -> Entry:
    """The Vale Cross post as the feed and manifest give it to the cross-poster."""
    header = (ROOT / "content/posts/urgent-care-plans-vale-cross.md").read_text().split("\n\n")[0]
    metadata = dict(line.split(": ", 1) for line in header.splitlines())
    metadata = {key.lower(): value for key, value in metadata.items()}
    copy = social_copy(metadata, [tag.strip() for tag in metadata["tags"].split(",")])
    return Entry(
        id="tag:engage.example.nhs.uk,2026-11-02:/blog/urgent-care-plans-vale-cross/",
        url=URL,
        title=metadata["title"],
        summary=metadata["summary"],
        published=PUBLISHED,
        hashtags=tuple(copy["hashtags"]),
        text=copy["text"],
    )


def test_sample_post_uses_the_editors_text_for_bluesky_and_x():
    sample = sample_entry()
    own_x = sample.text["x"]
    assert own_x.startswith("We're proposing a new urgent treatment centre")
    x = compose(sample, "x")
    assert x.text == f"{own_x}\n\n{URL}\n\n#UrgentCare #ValeCross"
    assert x.length == len(own_x) + 2 + 23 + 2 + len("#UrgentCare #ValeCross") == 189

    bluesky = compose(sample, "bluesky")
    own_bluesky = sample.text["bluesky"]
    assert bluesky.text == f"{own_bluesky}\n\n{URL}\n\n#UrgentCare #ValeCross"
    assert bluesky.length == len(own_bluesky) + 2 + len(URL) + 2 + 22 == 258
    start = len(own_bluesky) + 2
    tags = start + len(URL) + 2
    assert bluesky.facets == (
        {"start": start, "end": start + len(URL), "uri": URL},
        {"start": tags, "end": tags + len("#UrgentCare"), "tag": "UrgentCare"},
        {"start": tags + 12, "end": tags + 22, "tag": "ValeCross"},
    ), "the link and each hashtag clickable"
    assert bluesky.card == {"uri": URL, "title": sample.title, "description": sample.summary}


def test_sample_post_default_text_on_the_other_platforms():
    sample = sample_entry()
    mastodon = compose(sample, "mastodon")
    tags = "#UrgentCare #ValeCross #Consultation"
    assert mastodon.text == f"{sample.title}\n\n{sample.summary}\n\n{URL}\n\n{tags}"
    assert mastodon.length == len(sample.title) + len(sample.summary) + 23 + len(tags) + 6
    facebook = compose(sample, "facebook")
    assert facebook.text == f"{sample.title}\n\n{sample.summary}\n\n{tags}"
    assert facebook.link == URL and URL not in facebook.text
    assert facebook.card == {"uri": URL, "title": sample.title, "description": sample.summary}
    linkedin = compose(sample, "linkedin")
    assert linkedin.text.endswith(
        f"{URL}\n\n{{hashtag|\\#|UrgentCare}} {{hashtag|\\#|ValeCross}} "
        "{hashtag|\\#|Consultation}"
    )


# -- Choices when the text is long -----------------------------------------------------------


def test_hashtags_are_dropped_before_words_are_cut():
    # X: "T" 1 + 2 + summary + 2 + link 23, then 2 + "#UrgentCare #ValeCross" 22.
    summary = "word " * 45 + "ends"  # 229: 257 + 24 = 281 with both tags, 257 + 13 with one
    post = compose(entry("T", summary), "x")
    assert post.text == f"T\n\n{summary}\n\n{URL}\n\n#UrgentCare"
    assert post.length == 270

    summary = "word " * 48 + "words"  # 245: 273 + 13 = 286 with one tag, 273 with none
    post = compose(entry("T", summary), "x")
    assert post.text == f"T\n\n{summary}\n\n{URL}"
    assert post.length == 273
    assert ELLIPSIS not in post.text


def test_summary_is_cut_at_a_word_then_the_title():
    post = compose(entry("Title", "Lorem, " * 100), "x")
    first, second, link = post.text.split("\n\n")
    assert first == "Title" and link == URL
    # k words: 7k - 2 characters and "…" (2 on X); 5 + 2 + 7k + 2 + 23 <= 280 gives k = 35.
    assert second == "Lorem, " * 34 + f"Lorem{ELLIPSIS}"  # the comma goes before the "…"
    assert post.length == 277

    post = compose(entry("Word " * 100, "A summary."), "bluesky")
    first, link = post.text.split("\n\n")
    assert first.endswith(f"Word{ELLIPSIS}") and link == URL
    assert post.length <= 300


def test_a_title_without_spaces_is_cut_between_ideographs():
    post = compose(entry("你" * 300, ""), "x")
    first, link = post.text.split("\n\n")
    assert link == URL
    assert first == "你" * 126 + ELLIPSIS  # 127 would be 254 + 2 ("…") + 2 + 23 = 281
    assert post.length == 126 * 2 + 2 + 2 + 23 == 279


def test_facebook_message_is_cut_to_its_limit_and_leaves_the_link_to_the_card():
    post = compose(entry("Title", "word " * 20_000), "facebook")
    assert post.limit == 63_206 and post.length == len(post.text) <= 63_206
    assert post.text.endswith(f"word{ELLIPSIS}") and URL not in post.text
    assert post.length > 63_206 - 5  # one more " word" would not fit


def test_the_editors_own_text_is_used_verbatim_with_the_link_once():
    own = "Come to a drop-in: Tuesday, 10am (Vale Cross library) #ValeCross"
    post = compose(entry(text={"mastodon": own}), "mastodon")
    assert post.text == f"{own}\n\n{URL}\n\n#UrgentCare #Consultation"

    own_with_link = f"New plans for urgent care: {URL} Tell us by January."
    post = compose(entry(text={"x": own_with_link}), "x")
    assert post.text == f"{own_with_link}\n\n#UrgentCare #ValeCross"
    assert post.text.count(URL) == 1


def test_the_editors_long_text_is_cut_but_keeps_the_link():
    own = f"{'Please read our plans. ' * 20}{URL}"
    post = compose(entry(text={"x": own}), "x")
    assert post.text.count(URL) == 1 and post.length <= 280
    assert post.text.endswith(f"{ELLIPSIS}\n\n{URL}")


def test_linkedin_escapes_reserved_characters_and_templates_hashtags():
    post = compose(
        entry("A&E (Riverside) #NHS [draft] <b> a_b ~x* \\ @trust {x|y}", ""), "linkedin"
    )
    first = post.text.split("\n\n")[0]
    assert first == (
        "A&E \\(Riverside\\) {hashtag|\\#|NHS} \\[draft\\] \\<b\\> a\\_b \\~x\\* \\\\ \\@trust "
        "\\{x\\|y\\}"
    )


def test_mastodon_limit_from_the_instance_and_hashtag_count():
    post = compose(entry(summary="word " * 150), "mastodon", limit=1000, max_hashtags=1)
    assert post.limit == 1000 and post.text.endswith("#UrgentCare")
    assert ELLIPSIS not in post.text
    assert compose(entry(), "mastodon", max_hashtags=0).text.endswith(URL)


def test_refusals():
    with pytest.raises(ValueError, match="Unknown platform"):
        compose(entry(), "myspace")
    with pytest.raises(ValueError, match="link alone"):
        compose(entry(), "bluesky", limit=20)


def test_compose_all_covers_every_platform():
    assert [post.platform for post in compose_all(entry())] == list(PLATFORMS)


# -- Any text --------------------------------------------------------------------------------

SAMPLES = [
    FAMILY,
    "\U0001f1ec\U0001f1e7",
    "\U0001f44d\U0001f3fd",
    "\u2764\ufe0f\u200d\U0001f525",
    "1\ufe0f\u20e3",
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202e\u2067",
    "你好世界",
    "क्षत्रिय",
    "<b>&amp;</b>",
    "#Tag",
    "C#",
    "@alice@mastodon.social",
    "https://other.example.com/a_b?c=d",
    "111.nhs.uk",
    "\n\n",
    "\t",
    " ",
    "\u00a0",
    ELLIPSIS,
    "\\",
    "e\u0301\u0301\u0301",
]
PIECE = st.one_of(
    st.text(max_size=30),  # every category but surrogates, newlines included
    st.text(st.characters(categories=["Mn", "Me", "Mc", "Cf", "Zs", "Cs", "Co"]), max_size=8),
    st.text(st.characters(codec="ascii"), max_size=30),
    st.sampled_from(SAMPLES),
)
TEXT = st.lists(PIECE, max_size=12).map("".join)
LONG_TEXT = st.one_of(
    TEXT, st.tuples(TEXT, st.integers(10, 400)).map(lambda pair: pair[0] * pair[1])
)
SLUG = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-"), min_size=1, max_size=150)
URLS = SLUG.map(lambda slug: f"https://example.nhs.uk/blog/{slug}/")
TAGS = st.lists(
    st.one_of(TEXT, st.from_regex(r"#(?:[A-Z][a-z]{1,12}){1,3}", fullmatch=True)), max_size=6
)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    url = draw(URLS)
    own = draw(st.dictionaries(st.sampled_from(PLATFORMS), LONG_TEXT, max_size=2))
    with_link = draw(st.sampled_from([*own, None]))
    if with_link:
        words = own[with_link].split(" ")
        at = draw(st.integers(0, len(words)))
        own[with_link] = " ".join([*words[:at], url, *words[at:]])
    return Entry(
        "tag:x",
        url,
        draw(LONG_TEXT),
        draw(LONG_TEXT),
        PUBLISHED,
        tuple(draw(TAGS)),
        own,
    )


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries())
def test_every_post_fits_and_keeps_the_link_whole(item: Entry):
    for post in compose_all(item):
        allowed = rules(post.platform)
        assert post.length == allowed.count(post.text) <= post.limit == allowed.limit
        assert post.link == item.url
        if allowed.link_in_text:
            assert post.text.count(item.url) == 1
            at = post.text.index(item.url) + len(item.url)
            assert post.text[at : at + 1] in ("", "\n", " ", ".", ",", ";", ":", "!", "?", ")")
        if post.platform == "bluesky":
            encoded = post.text.encode("utf-8")
            assert len(encoded) <= 3000
            links = [facet for facet in post.facets if "uri" in facet]
            assert [facet["uri"] for facet in links] == [item.url]
            assert encoded[links[0]["start"] : links[0]["end"]] == item.url.encode("utf-8")
            for facet in post.facets:
                if "tag" in facet:
                    shown = encoded[facet["start"] : facet["end"]].decode("utf-8")
                    assert shown == "#" + facet["tag"]
        if post.platform == "linkedin":
            assert_little(post.text.replace(item.url, ""))
        if not item.text.get(post.platform) and post.platform in ("mastodon", "bluesky", "x"):
            assert_cut_at_words(post.text, item)


def assert_little(text: str) -> None:
    """No reserved character outside the hashtag templates goes unescaped."""
    text = TEMPLATE.sub("", text)
    index = 0
    while index < len(text):
        if text[index] == "\\":
            assert text[index + 1 : index + 2] in RESERVED, text[index : index + 2]
            index += 2
            continue
        assert text[index] not in RESERVED, text
        index += 1


def assert_cut_at_words(text: str, item: Entry) -> None:
    """Title and summary are whole, or cut at a word boundary and ended with "…"; when
    anything is cut, no hashtag is left."""
    paragraphs = text.split("\n\n")
    shown = paragraphs[: paragraphs.index(item.url)]
    parts = [part for part in (clean(item.title), clean(item.summary)) if part]
    assert len(shown) <= len(parts)
    cut = len(shown) < len(parts)
    for paragraph, part in zip(shown, parts, strict=False):
        if paragraph == part:
            continue
        cut = True
        assert paragraph.endswith(ELLIPSIS)
        stem = paragraph[: -len(ELLIPSIS)]
        assert stem and part.startswith(stem)
        rest = part[len(stem) :]
        boundaries = {m.start() for m in regex.finditer(r"\b", part, regex.WORD | regex.V1)}
        assert rest[0] in " ,;:-\u2013\u2014" or len(stem) in boundaries, (stem, rest)
    if cut:
        assert paragraphs[-1] == item.url


def test_bluesky_facets_are_the_ones_atprotos_text_builder_makes():
    """The composer counts facet offsets itself (importing it loads no SDK); they are the byte
    ranges atproto's own TextBuilder gives the same pieces."""
    from atproto import client_utils, models

    own = "Café ☕ #UrgentCare: 你好 — tell us at https://engage.example.nhs.uk/a/ #Vale2026 now"
    item = entry(url="https://engage.example.nhs.uk/a/", hashtags=("#NHS",), text={"bluesky": own})
    post = compose(item, "bluesky")
    builder = client_utils.TextBuilder()
    builder.text("Café ☕ ").tag("#UrgentCare", "UrgentCare").text(": 你好 — tell us at ")
    builder.link(item.url, item.url).text(" ").tag("#Vale2026", "Vale2026").text(" now\n\n")
    builder.tag("#NHS", "NHS")
    assert post.text == builder.build_text()
    expected = []
    for facet in builder.build_facets():
        [feature] = facet.features
        where = {"start": facet.index.byte_start, "end": facet.index.byte_end}
        if isinstance(feature, models.AppBskyRichtextFacet.Link):
            expected.append({**where, "uri": feature.uri})
        else:
            expected.append({**where, "tag": feature.tag})
    assert list(post.facets) == expected
