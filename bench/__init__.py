"""make bench (run.py) and the synthetic dataset it measures at scale (plan.py, generator.py),
kept apart from the site: only the generate_guides command imports it.
"""
