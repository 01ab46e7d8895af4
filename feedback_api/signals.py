"""Named events of the feedback service (blinker, as Flask and Pelican use). Views, commands and
storage send them inside the transaction of the event; subscribers (notices, site rebuilds) only
write outbox messages into that transaction, so an effect is committed with its event or not at
all, and delivered afterwards by the worker. Nothing here sends mail."""

from __future__ import annotations

from blinker import Namespace

events = Namespace()

#: A reader's comment was stored (sender: the app; comment=Comment).
comment_received = events.signal("comment-received")
#: A moderator published a comment (sender: the app; comment=Comment, staff=User | None).
comment_approved = events.signal("comment-approved")
#: Staff replied as the organisation (sender: the app; reply=Comment, parent=Comment).
official_reply_posted = events.signal("official-reply-posted")
#: What readers see of a page changed (sender: the app; page=its URL), in the change's
#: transaction: a comment published, edited, withdrawn or answered.
page_changed = events.signal("page-changed")
#: The site was published, its files in place (sender: the app; manifest=Path of its
#: engagement.json), outside any transaction: subscribers open their own and return sentences
#: for the publish job's log (commitment notices announce what changed in it).
site_published = events.signal("site-published")
