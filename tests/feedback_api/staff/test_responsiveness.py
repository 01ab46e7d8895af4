"""Responsiveness figures on a seeded dataset, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from feedback_api.staff import responsiveness
from feedback_api.storage.models import db
from fixtures.responsiveness_seed import NOW, add, at

A, B = "/blog/winter-vaccines/", "/blog/heatwave-and-hay-fever/"


@pytest.fixture
def seeded(app):
    with app.app_context():
        from feedback_api.storage.pages import ensure_page

        ensure_page(A)
        ensure_page(B)
        c1 = add(A, at(16, 9), at(16, 11))  # moderated in 2 h
        add(A, at(16, 10), at(16, 14))  # 4 h
        add(A, at(17, 9), at(17, 19))  # 10 h
        add(A, at(16, 15), parent_id=c1.id, official=True)  # first reply to c1 after 6 h
        add(A, at(20, 12), status="pending")  # Friday noon: 3.0 working days by Wednesday noon
        add(A, at(24, 12), status="pending")  # 1.0 working day: within the target
        add(A, at(19, 9), at(19, 10), needs_response=True)  # 1 h; question unanswered 4.125 days
        add(A, at(18, 9), status="spam")  # spam never counts
        c7 = add(B, at(23, 8), at(24, 4))  # 20 h
        add(B, at(24, 8), parent_id=c7.id, official=True)  # reply after 24 h
        db.session.commit()
    return app


def test_working_days_skip_weekends() -> None:
    assert responsiveness.working_days_between(at(20, 12), NOW) == 3.0
    assert responsiveness.working_days_between(at(19, 9), NOW) == 4.125
    assert responsiveness.working_days_between(at(21, 0), at(23, 0)) == 0.0  # a weekend
    assert responsiveness.working_days_between(NOW, at(20, 12)) == 0.0


def test_figures_match_hand_computed_values(seeded) -> None:
    with seeded.app_context():
        overall, pages = responsiveness.figures(2, now=NOW)
    # Moderation hours overall: 1, 2, 4, 10, 20 -> median 4; p90 at rank 3.6: 10 + 0.6 x 10 = 16.
    assert (overall.moderated, overall.moderation_median_hours, overall.moderation_p90_hours) == (
        5,
        4.0,
        16.0,
    )
    # First replies: 6 h and 24 h -> median 15; p90 at rank 0.9: 6 + 0.9 x 18 = 22.2.
    assert (overall.replied, overall.reply_median_hours, overall.reply_p90_hours) == (2, 15.0, 22.2)
    assert (overall.waiting_over_target, overall.questions_over_target) == (1, 1)
    # Questions: the two answered comments and the one waiting; both answers within 2 days.
    assert (overall.questions, overall.answered_within_target) == (3, 2)
    # Page A moderation: 1, 2, 4, 10 -> median 3; p90 at rank 2.7: 4 + 0.7 x 6 = 8.2.
    a = pages[A]
    assert (a.moderation_median_hours, a.moderation_p90_hours) == (3.0, 8.2)
    assert (a.reply_median_hours, a.waiting_over_target, a.questions_over_target) == (6.0, 1, 1)
    b = pages[B]
    assert (b.moderated, b.moderation_median_hours, b.reply_median_hours) == (1, 20.0, 24.0)
    assert (b.waiting_over_target, b.questions_over_target) == (0, 0)


def test_a_longer_target_waits_for_more(seeded) -> None:
    with seeded.app_context():
        overall, _ = responsiveness.figures(5, now=NOW)
    assert (overall.waiting_over_target, overall.questions_over_target) == (0, 0)
