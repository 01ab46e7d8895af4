"""Named events of the feedback service (blinker, as Flask and Pelican use). Views and commands
send them after their commit; subscribers (e-mail notices) act on them. Views never send mail."""

from __future__ import annotations

from blinker import Namespace

events = Namespace()

#: A reader's comment was stored (sender: the app; comment=Comment).
comment_received = events.signal("comment-received")
#: A moderator published a comment (sender: the app; comment=Comment, staff=User | None).
comment_approved = events.signal("comment-approved")
#: Staff replied as the organisation (sender: the app; reply=Comment, parent=Comment).
official_reply_posted = events.signal("official-reply-posted")
