"""Publishing from the workspace: building the site with the real Pelican in its own process,
what a build would change, the content's git checkout, copying the site with rsync, and the
worker's jobs that tie them together (`runners`); the worker's page rebuilds use the same
build (`notices.rebuild`)."""
