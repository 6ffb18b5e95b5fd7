"""What visitors reach over the web: views, forms, feedback, SEO, sitemaps, rate limits, the
htmx helpers, and the lookups that turn the flow engine's NotFound into a 404.
"""
