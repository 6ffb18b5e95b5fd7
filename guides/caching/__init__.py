"""What is kept for speed, where, and for how long: one vocabulary for the whole site.

- **Versions** (`versions.py`): the change log in the database, a row per change and per
  part of the site it touched (a guide, a category's list, the catalog, the whole site;
  `touched.py` says which). Each process reads it at most every CONTENT_POLL_SECONDS, and
  knows a version per part. Everything below is kept with the
  versions of the parts it was built from, and used only while they have not moved: an
  edit drops what it touched, in every process of every instance, and nothing else.
- **The page cache** (`pages.py`): whole anonymous responses, full and htmx variants, in
  each process's memory and, with REDIS_URL, in the shared cache behind it, under keys that
  name the code that built them (`release.py`), so a deploy never serves the last one's.
- **In memory** (`memory.py`): what each process keeps: the guides visitors read, the
  listings other pages use (the home page's lists, the categories, the search index), and
  beside each of these what pages derive from it alone (`derived`: rendered fragments and
  page metadata). Never an editor's drafts.

Outside this package only pure functions of their arguments are memoised (`lru_cache`):
rendered Markdown, normalised search terms, the public suffix list, the guide file schema and
static file addresses, none of which a content change can alter.
"""
