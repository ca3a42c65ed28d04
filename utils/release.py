"""Where the course is published and which version this is: the one place both are set.

The setup cell of every chapter installs ``git+REPOSITORY@TAG`` (the version the stored outputs were made
with), and the book's trained weights are fetched from the same tag. ``_config.yml``'s ``repository.url``
must equal ``REPOSITORY`` (a test checks it).
"""

VERSION = "0.2.0"
REPOSITORY = "https://github.com/tconv-course/transpose-conv-autoencoders-gans"
TAG = f"v{VERSION}"


def repository_file_url(path: str, ref: str = TAG) -> str:
    """Return the raw-download URL of ``path`` (relative to the repository root) at ``ref``."""
    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    return f"https://raw.githubusercontent.com/{owner_repo}/{ref}/{path}"


def release_asset_url(filename: str, tag: str = TAG) -> str:
    """Return the URL of release asset ``filename`` of release ``tag``."""
    return f"{REPOSITORY}/releases/download/{tag}/{filename}"
