"""Link health: checking the addresses the guides link to (fetch.py), in background tasks
(tasks.py), and recording each check as a LinkCheck (guides/models/links.py)."""
