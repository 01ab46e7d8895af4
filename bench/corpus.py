"""Synthetic Pelican content for the build benchmarks.

The benchmark needs a corpus big enough for build costs to show (1,000 posts by default) that
looks like the real site's posts: the same front matter, ~600-word Markdown bodies with headings,
lists, links, a table and emphasis. Everything comes from a fixed word list and
`random.Random(seed)`, so a seed always gives byte-identical files and runs can be compared.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

CATEGORIES = ("News", "Health advice", "Have your say")  # the plugin rejects any other

# ~40 tags; three per post.
_TAGS = """
gp services, appointments, nhs app, mental health, young people, vaccines, winter, urgent care,
nhs 111, pharmacy, maternity, hospital services, community services, dental care, eye care,
cancer screening, diabetes, heart health, healthy weight, stop smoking, carers, older people,
dementia, learning disabilities, autism, physiotherapy, diagnostics, waiting lists,
citizens panel, consultation, feedback, listening events, volunteering, patient transport,
discharge, end of life care, sexual health, hay fever, heatwave, self care
"""
TAG_POOL = tuple(tag.strip() for tag in _TAGS.split(","))

# The vocabulary of every title, summary and body.
_WORDS = """
the a and to of in for with your our we you on at by from about this that more can will may
should help care health service services local people patients families carers community
hospital surgery practice pharmacy team staff nurse doctor appointment appointments support
advice information plans changes improve improving listen feedback views share survey event
events meeting online phone person week month year winter summer morning evening weekend
waiting time times quickly safely closer home better new open available free booking book visit
clinic clinics centre test tests results check checks treatment medicine medicines prescription
symptoms urgent emergency routine mental physical wellbeing children young older adults
everyone Riverside Vale Cross Millbrook board partners council volunteers voluntary groups
residents neighbourhood transport parking access accessible language languages interpreter easy
read guide leaflet website app form forms answer questions question decide decision decisions
options option proposal proposals consultation results report published learn learned heard
told asked said most many some every each across around within during before after until while
because so if when where how what which who also still now soon already usually often sometimes
never always together
"""
WORDS = tuple(_WORDS.split())

HEADINGS = (
    "What is changing",
    "Why we are making changes",
    "Who this affects",
    "How to get help",
    "What you told us",
    "What happens next",
    "How to take part",
    "Where to find us",
    "When to get urgent help",
    "Looking after yourself",
    "Getting there",
    "Key dates",
    "Frequently asked questions",
    "How we use your views",
    "Support for carers",
    "Information in other formats",
    "Opening times",
    "Find out more",
)

NHS_PAGES = (
    "conditions/flu/",
    "conditions/hay-fever/",
    "conditions/diabetes/",
    "nhs-services/gps/",
    "nhs-services/pharmacies/",
    "nhs-services/urgent-and-emergency-care-services/",
    "mental-health/",
    "live-well/",
    "vaccinations/",
    "pregnancy/",
    "nhs-app/",
)

START = datetime(2024, 1, 1, 9, 0)
SPAN_HOURS = 1050 * 24  # ~2.9 years: the last post stays before ENGAGE_TODAY (2026-11-25)
BODY_WORDS = 600


def generate(dest: Path, n_posts: int = 1000, seed: int = 1) -> None:
    """Write `dest/posts/post-NNNN.md` (n_posts of them) and `dest/pages/about.md`."""
    rng = random.Random(seed)
    width = max(4, len(str(n_posts)))
    posts = dest / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (dest / "pages").mkdir(parents=True, exist_ok=True)
    step = max(1, SPAN_HOURS // max(1, n_posts))
    for i in range(n_posts):
        text = _post(rng, i, n_posts, width, START + timedelta(hours=i * step))
        (posts / f"{post_slug(i + 1, width)}.md").write_text(text, encoding="utf-8")
    (dest / "pages" / "about.md").write_text(_about(rng), encoding="utf-8")


def post_slug(number: int, width: int = 4) -> str:
    """The file stem (and, with SLUGIFY_SOURCE = "basename", the slug) of post `number`."""
    return f"post-{number:0{width}d}"


def _post(rng: random.Random, i: int, n_posts: int, width: int, date: datetime) -> str:
    """One post: front matter, a blank line, then the Markdown body."""
    meta = [
        f"Title: {_sentence(rng, rng.randint(5, 10), end='')}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {CATEGORIES[i % len(CATEGORIES)]}",
        f"Tags: {', '.join(rng.sample(TAG_POOL, 3))}",
        f"Summary: {_summary(rng)}",
    ]
    return "\n".join(meta) + "\n\n" + _body(rng, n_posts, width) + "\n"


def _about(rng: random.Random) -> str:
    """The one page the corpus needs: the About page linked from the navigation."""
    paragraphs = "\n\n".join(_paragraph(rng, 50, 80) for _ in range(3))
    return (
        "Title: About us\n"
        f"Summary: {_summary(rng)}\n\n"
        f"{paragraphs}\n\n## How we work\n\n{_paragraph(rng, 50, 80)}\n"
    )


def _body(rng: random.Random, n_posts: int, width: int) -> str:
    """~600 words covering the Markdown the real posts use (never a `#` heading)."""
    headings = rng.sample(HEADINGS, 5)
    blocks = [
        _paragraph(rng, 40, 70),
        f"## {headings[0]}",
        _linked_paragraph(rng, n_posts, width),
        _bullets(rng),
        f"### {headings[1]}",
        _paragraph(rng, 50, 80),
        _numbered(rng),
        f"## {headings[2]}",
        _table(rng),
        _paragraph(rng, 50, 80),
        f"## {headings[3]}",
    ]
    words = sum(len(block.split()) for block in blocks)
    while words < BODY_WORDS - 60:
        blocks.append(_paragraph(rng, 50, 80))
        words += len(blocks[-1].split())
    blocks += [f"## {headings[4]}", _linked_paragraph(rng, n_posts, width)]
    return "\n\n".join(blocks)


def _words(rng: random.Random, n: int) -> list[str]:
    """n words; one random byte per word is ~5x faster than `rng.choices` (the bias is harmless)."""
    size = len(WORDS)
    return [WORDS[b % size] for b in rng.randbytes(n)]


def _sentence(rng: random.Random, n: int, end: str = ".") -> str:
    words = _words(rng, n)
    first = words[0]
    words[0] = first[:1].upper() + first[1:]
    return " ".join(words) + end


def _summary(rng: random.Random) -> str:
    """One sentence of 100-180 characters, as Pelican's Summary metadata."""
    target = rng.randint(100, 175)
    words = _words(rng, 40)
    text = words[0][:1].upper() + words[0][1:]
    for word in words[1:]:
        if len(text) >= target or len(text) + len(word) + 2 > 180:
            break
        text += " " + word
    return text + "."


def _paragraph(rng: random.Random, low: int, high: int) -> str:
    """Sentences of 8-20 words, one word in *emphasis* or **strong** now and then."""
    sentences, total = [], rng.randint(low, high)
    while total > 0:
        n = min(total, rng.randint(8, 20))
        sentences.append(_sentence(rng, max(n, 3)))
        total -= n
    text = " ".join(sentences)
    if rng.random() < 0.6:
        words = text.split(" ")
        k = rng.randrange(1, len(words) - 1)
        if words[k].isalpha():
            words[k] = rng.choice(("*{}*", "**{}**")).format(words[k])
        text = " ".join(words)
    return text


def _linked_paragraph(rng: random.Random, n_posts: int, width: int) -> str:
    """A paragraph with a site-relative link to another post and an absolute NHS link."""
    other = post_slug(rng.randint(1, n_posts), width)
    nhs = rng.choice(NHS_PAGES)
    return (
        f"{_paragraph(rng, 20, 35)} Read [{_sentence(rng, 4, end='')}](/blog/{other}/) "
        f"or see [{' '.join(_words(rng, 3))} on the NHS website](https://www.nhs.uk/{nhs}). "
        f"{_sentence(rng, rng.randint(8, 16))}"
    )


def _bullets(rng: random.Random) -> str:
    items = (" ".join(_words(rng, rng.randint(5, 10))) for _ in range(rng.randint(4, 6)))
    return "\n".join(f"- {item}" for item in items)


def _numbered(rng: random.Random) -> str:
    steps = rng.randint(3, 5)
    return "\n".join(f"{n}. {_sentence(rng, rng.randint(6, 12))}" for n in range(1, steps + 1))


def _table(rng: random.Random) -> str:
    """A small pipe table (Pelican's default Markdown extensions include `extra`)."""
    rows = [
        "| Service | Where | Opening times |",
        "| --- | --- | --- |",
    ]
    for _ in range(rng.randint(3, 4)):
        service = _sentence(rng, 2, end="")
        place = rng.choice(("Riverside", "Vale Cross", "Millbrook"))
        hours = f"{rng.randint(7, 10)}am to {rng.randint(4, 8)}pm"
        rows.append(f"| {service} | {place} | {hours} |")
    return "\n".join(rows)
