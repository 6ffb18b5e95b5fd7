"""Static files: whitenoise's compressed, hashed storage, remembering each address it gives.

A hashed address comes from the manifest, which is read once when the process starts, so
the address of a file cannot change while the process runs. Every page asks for the same
half-dozen (stylesheets, scripts, icon): working them out once saves a little on each.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)  # a missing file raises: not kept
        return found
