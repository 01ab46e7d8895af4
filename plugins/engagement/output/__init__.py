"""What the build writes besides pages: the manifest, feeds with absolute links, the theme's
assets, social copy, and approved comments baked into the static pages."""
