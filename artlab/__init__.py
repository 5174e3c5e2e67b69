"""artlab: the thin helper the ML for Artists notebooks share (plumbing only)."""

__version__ = "0.1.0"

# The one place the repository's address lives: badges, colab_links.md and the
# Colab set-up are all made from it (tests/test_hygiene.py checks they agree).
REPO_SLUG = "ml-for-artists/ml-for-artists"
REPO_BRANCH = "main"
REPO_URL = f"https://github.com/{REPO_SLUG}"


class ArtlabError(Exception):
    """A problem the artist can fix; its message says how."""
