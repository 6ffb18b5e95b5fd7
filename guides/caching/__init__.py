"""What is kept for speed, where, and for how long: one vocabulary for the whole site.

- **The content version** (`content_version.py`): a random token in the cache that moves
  whenever anything a visitor can see changes. Everything below belongs to one version and
  is dropped, or ignored, once it moves.
- **The page cache** (`pages.py`): whole anonymous responses, full and htmx variants, in
  the cache (shared by every instance with REDIS_URL), each stored with the version it was
  built under.
- **In memory** (`memory.py`): what each process keeps: the guides visitors read, the
  listings other pages use (the home page's lists, the categories, the search index), and
  beside each of these what pages derive from it alone (`derived`: rendered fragments and
  page metadata). Never an editor's drafts.

Outside this package only pure functions of their arguments are memoised (`lru_cache`):
rendered Markdown, normalised search terms, the public suffix list, the guide file schema and
static file addresses, none of which a content change can alter.
"""
