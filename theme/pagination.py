"""NHS.UK numbered pagination for Pelican's paginated lists, rendered once per shape.

The NHS.UK pagination macro costs about a millisecond a call, and a large site has hundreds of
list pages. Pages whose pagination has the same shape (which items are links, the current page or
an ellipsis; whether there is a previous and a next page) and language share one rendering, with
the page numbers and addresses filled into slots afterwards.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from . import i18n

TEMPLATE = "partials/pagination.html"
SLOT = re.compile(r"@@engage-slot-(\d+)@@")


def shown_numbers(here: int, last: int) -> list[int | None]:
    """First, last and the pages either side of `here`; None where an ellipsis hides pages.

    A gap of a single page shows that page rather than an ellipsis standing for it.
    """
    wanted = sorted({1, last, *range(max(1, here - 1), min(last, here + 1) + 1)})
    shown: list[int | None] = []
    for number in wanted:
        if shown and number - shown[-1] == 2:
            shown.append(number - 1)
        elif shown and number - shown[-1] > 2:
            shown.append(None)
        shown.append(number)
    return shown


class Pagination:
    """`{{ pagination_for(articles_page) }}` in a template: the pagination for that page."""

    def __init__(self, env: Environment, site: dict[str, Any]) -> None:
        self.env = env
        self.site = site
        self.cache: dict[tuple, str] = {}

    def __call__(self, page: Any) -> Markup:
        if not page or page.paginator.num_pages < 2:  # unpaginated lists have no page
            return Markup("")
        here, paginator = page.number, page.paginator
        values: list[Any] = []

        def slot(value: Any) -> str:
            values.append(value)
            return f"@@engage-slot-{len(values) - 1}@@"

        def address(number: int) -> str:
            return f"{self.site.get('SITEURL', '')}/{paginator.page(number).url}"

        items, shape = [], []
        for number in shown_numbers(here, paginator.num_pages):
            if number is None:
                items.append({"ellipsis": True})
                shape.append("gap")
            else:
                items.append(
                    {
                        "number": slot(number),
                        "href": slot(address(number)),
                        "current": number == here,
                    }
                )
                shape.append("here" if number == here else "link")
        params: dict[str, Any] = {"items": items}
        if page.has_previous():
            params["previous"] = {"href": slot(address(here - 1))}
        if page.has_next():
            params["next"] = {"href": slot(address(here + 1))}
        key = (tuple(shape), page.has_previous(), page.has_next(), i18n.current())
        html = self.cache.get(key)
        if html is None:
            html = self.cache[key] = self.env.get_template(TEMPLATE).render(params=params)
        return Markup(SLOT.sub(lambda match: str(escape(values[int(match.group(1))])), html))
