"""Click-to-load YouTube videos with a visible link and a transcript, written in markdown as

    !!! youtube VIDEO_ID "Title of the video"
        The transcript, indented by four spaces.

Nothing is fetched from YouTube until the reader presses play (theme/static/js/engage.js then
loads the player from youtube-nocookie.com); without JavaScript the link and transcript remain.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor

from engagement.problems import FieldError

START = re.compile(r"^!!! youtube\b(?P<rest>[^\n]*)")
HEADER = re.compile(r'^\s+(?P<id>[A-Za-z0-9_-]{11})\s+"(?P<title>[^"]+)"\s*$')
CLASS = "engage-video"
SYNTAX = '!!! youtube VIDEO_ID "Title", with the transcript indented by four spaces below it'


class YouTubeProcessor(BlockProcessor):
    """Turns a `!!! youtube` block and its indented transcript into the video figure."""

    def test(self, parent: etree.Element, block: str) -> bool:
        if START.match(block):
            return True
        return block.startswith(" " * self.tab_length) and self._last_video(parent) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        start = START.match(block)
        if start:
            header = HEADER.match(start.group("rest"))
            if not header:
                raise FieldError(
                    "Video",
                    f"'{block.splitlines()[0]}' is not a video line: write {SYNTAX}. The id is "
                    "the 11 characters after 'v=' in the video's address.",
                    look_for="!!! youtube",
                )
            rest = block[start.end() :].lstrip("\n")
            if not rest and not (blocks and blocks[0].startswith(" " * self.tab_length)):
                raise FieldError(
                    "Video",
                    f"'{header.group('title')}' has no transcript: indent it by four spaces "
                    "under the !!! youtube line, so people who cannot hear it can read it.",
                    look_for="!!! youtube",
                )
            figure = _figure(parent, header.group("id"), header.group("title"))
        else:
            figure = self._last_video(parent)
            rest = block
        transcript, remainder = self.detab(rest)
        self.parser.parseChunk(figure.find(".//div[@class='nhsuk-details__text']"), transcript)
        if remainder:
            blocks.insert(0, remainder)

    def _last_video(self, parent: etree.Element) -> etree.Element | None:
        last = self.lastChild(parent)
        if last is not None and last.tag == "div" and last.get("class") == CLASS:
            return last
        return None


def _figure(parent: etree.Element, video_id: str, title: str) -> etree.Element:
    # A div, not a figure: a figure's caption must come first or last, and here the transcript
    # follows the link.
    figure = etree.SubElement(parent, "div", {"class": CLASS, "id": f"video-{video_id}"})
    frame = etree.SubElement(
        figure,
        "div",
        {"class": "engage-video__frame", "data-engage-video": video_id, "data-title": title},
    )
    notice = etree.SubElement(frame, "p", {"class": "engage-video__notice"})
    notice.text = (
        "This video is hosted on YouTube. Playing it here loads it from youtube-nocookie.com, "
        "which may set cookies."
    )
    button = etree.SubElement(
        frame,
        "button",
        {
            "type": "button",
            "class": "nhsuk-button nhsuk-button--secondary engage-video__play",
            "hidden": "hidden",
        },
    )
    button.text = f"Play video: {title}"
    caption = etree.SubElement(figure, "p", {"class": "engage-video__caption"})
    link = etree.SubElement(caption, "a", {"href": f"https://www.youtube.com/watch?v={video_id}"})
    link.text = f"Watch ‘{title}’ on YouTube"  # noqa: RUF001 (typographic quotes)
    details = etree.SubElement(figure, "details", {"class": "nhsuk-details"})
    summary = etree.SubElement(details, "summary", {"class": "nhsuk-details__summary"})
    label = etree.SubElement(summary, "span", {"class": "nhsuk-details__summary-text"})
    label.text = f"Transcript: {title}"
    etree.SubElement(details, "div", {"class": "nhsuk-details__text"})
    return figure


class YouTubeExtension(Extension):
    """Registers the `!!! youtube` block, ahead of admonitions should those be enabled."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.parser.blockprocessors.register(YouTubeProcessor(md.parser), "engage_youtube", 106)
