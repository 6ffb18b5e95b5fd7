"""The flow engine: what a visitor is shown after each answer, in one place.

rules.py holds the rules (default questions, depth, loops, the order of a page's steps),
tree.py applies them to a guide's routes (state, resolve, walk), guide.py reads a guide from
the database for it, pages.py turns a state into a visitor's page, and map.py into the
admin's whole flow. Raises its own NotFound; it knows nothing of requests.
"""
