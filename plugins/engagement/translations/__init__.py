"""A site in several languages: which languages it has, a content file's language, each page's
versions in the others."""
