from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files once `koppel collectstatic` has run; plain names before that.

    The demo and the tests never collect static files: then there is no manifest, and the files are
    served from the app folders under their own names (WHITENOISE_USE_FINDERS).
    """

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
