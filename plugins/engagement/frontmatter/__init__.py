"""Front matter and content: the Markdown reader that explains content errors, the rules for each
kind of page, what an editor's HTML may not contain, consultations, ground rules and YouTube."""
