"""Where a platform that fetches media by URL (Instagram) finds an approved photo or video.

The Instagram Graph API takes no uploaded bytes for feed posts: it downloads `image_url` or
`video_url` itself. phigate therefore serves approved media from a public base URL chosen by the
organization, at a path derived from the bytes alone, so the serving side and the connector agree
without sharing state and an unapproved file cannot be guessed from a post id.
"""

from __future__ import annotations

import hashlib

from phigate.publishing.connectors import MediaItem

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}


def media_file_name(item: MediaItem) -> str:
    """The file name an approved item is served under: its SHA-256 and an extension."""
    return hashlib.sha256(item.data).hexdigest() + EXTENSIONS.get(item.media_type, "")


def public_media_url(base_url: str, item: MediaItem) -> str:
    return f"{base_url.rstrip('/')}/{media_file_name(item)}"
