"""Which platforms phigate can publish to, what credentials each needs, and how to connect.

One entry per platform. The connector modules are imported only when an account on that platform
is used, so a platform's SDK costs nothing to an organization that does not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phigate.publishing.connectors import Connector, ConnectorError
from phigate.publishing.token_renewal import SaveCredentials, renewal_for

if TYPE_CHECKING:
    from phigate.publishing.google_api import GoogleAuth


@dataclass(frozen=True)
class CredentialField:
    name: str
    help: str
    secret: bool = False  # prompted without echo, never printed
    default: str | None = None


@dataclass(frozen=True)
class Platform:
    name: str
    title: str
    fields: tuple[CredentialField, ...]
    connect: Callable[[dict[str, Any]], Connector]
    # Platforms whose connector renews expired OAuth tokens, given where to save the new ones.
    connect_renewing: Callable[[dict[str, Any], SaveCredentials], Connector] | None = None

    def missing(self, credentials: dict[str, Any]) -> list[str]:
        return [f.name for f in self.fields if f.default is None and not credentials.get(f.name)]


def _bluesky(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.bluesky import BlueskyConnector

    return BlueskyConnector(
        credentials.get("service_url") or "https://bsky.social",
        credentials["handle"],
        credentials["app_password"],
    )


def _mastodon(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.mastodon import MastodonConnector

    return MastodonConnector(credentials["api_base_url"], credentials["access_token"])


def _linkedin(credentials: dict[str, Any], save: SaveCredentials | None = None) -> Connector:
    from phigate.publishing.linkedin import (
        DEFAULT_VERSION,
        LINKEDIN_TOKEN_URL,
        LinkedInConnector,
    )

    token_url = credentials.get("token_url") or LINKEDIN_TOKEN_URL
    return LinkedInConnector(
        credentials["access_token"],
        credentials["organization_id"],
        credentials.get("api_version") or DEFAULT_VERSION,
        credentials.get("api_base_url") or "https://api.linkedin.com",
        # LinkedIn takes the client id and secret in the form body, not as Basic authentication.
        renewal=renewal_for("LinkedIn", credentials, save, token_url, basic_auth=False),
    )


def _pinterest(credentials: dict[str, Any], save: SaveCredentials | None = None) -> Connector:
    from phigate.publishing.pinterest import PINTEREST_TOKEN_URL, PinterestConnector

    token_url = credentials.get("token_url") or PINTEREST_TOKEN_URL
    return PinterestConnector(
        credentials["access_token"],
        credentials["board_id"],
        credentials.get("api_base_url") or "https://api.pinterest.com",
        renewal=renewal_for("Pinterest", credentials, save, token_url, basic_auth=True),
    )


def _x(credentials: dict[str, Any], save: SaveCredentials | None = None) -> Connector:
    from phigate.publishing.x import X_TOKEN_URL, XConnector

    token_url = credentials.get("token_url") or X_TOKEN_URL
    return XConnector(
        credentials["access_token"],
        credentials.get("user_id") or None,
        credentials.get("api_base_url") or "https://api.x.com",
        # Basic authentication for a confidential client; a public one sends its id in the body.
        renewal=renewal_for("X", credentials, save, token_url, basic_auth=True),
    )


def _export(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.export import ExportConnector

    try:
        lead = float(credentials.get("lead_minutes") or 60)
    except ValueError:
        raise ConnectorError(
            "the export account's lead_minutes is not a number; store it again with "
            "`phigate publish credentials`",
            retryable=False,
        ) from None
    return ExportConnector(
        credentials["directory"], lead, timezone=credentials.get("timezone") or "UTC"
    )


def _facebook(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.facebook import GRAPH_VIDEO_BASE_URL, FacebookConnector
    from phigate.publishing.graph_api import GRAPH_BASE_URL

    base = credentials.get("graph_base_url") or GRAPH_BASE_URL
    # A stand-in Graph server (a test, a proxy) takes the video uploads too.
    video = credentials.get("graph_video_base_url") or (
        GRAPH_VIDEO_BASE_URL if base == GRAPH_BASE_URL else base
    )
    return FacebookConnector(credentials["page_id"], credentials["page_access_token"], base, video)


def _instagram(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.graph_api import GRAPH_BASE_URL
    from phigate.publishing.instagram import InstagramConnector

    return InstagramConnector(
        credentials["ig_user_id"],
        credentials["access_token"],
        credentials["media_base_url"],
        credentials.get("graph_base_url") or GRAPH_BASE_URL,
    )


def _google_auth(credentials: dict[str, Any]) -> GoogleAuth:
    from phigate.publishing.google_api import GOOGLE_TOKEN_URL, GoogleAuth

    return GoogleAuth(
        credentials["client_id"],
        credentials["client_secret"],
        credentials["refresh_token"],
        credentials.get("token_url") or GOOGLE_TOKEN_URL,
    )


def _youtube(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.youtube import YOUTUBE_BASE_URL, YouTubeConnector

    return YouTubeConnector(
        _google_auth(credentials),
        credentials.get("api_base_url") or YOUTUBE_BASE_URL,
        credentials.get("privacy_status") or "public",
    )


def _google_business(credentials: dict[str, Any]) -> Connector:
    from phigate.publishing.google_business import (
        BUSINESS_PROFILE_BASE_URL,
        GoogleBusinessConnector,
    )

    return GoogleBusinessConnector(
        _google_auth(credentials),
        credentials["account_id"],
        credentials["location_id"],
        credentials.get("api_base_url") or BUSINESS_PROFILE_BASE_URL,
    )


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform(
            "bluesky",
            "Bluesky (AT Protocol)",
            (
                CredentialField("service_url", "the PDS, e.g. https://bsky.social", default="https://bsky.social"),
                CredentialField("handle", "the account's handle, e.g. clinic.bsky.social"),
                CredentialField("app_password", "an app password (Settings > App passwords)", secret=True),
            ),
            _bluesky,
        ),
        Platform(
            "mastodon",
            "Mastodon",
            (
                CredentialField("api_base_url", "the server, e.g. https://mastodon.social"),
                CredentialField("access_token", "an application's access token (write:statuses, write:media, read)", secret=True),
            ),
            _mastodon,
        ),
        Platform(
            "linkedin",
            "LinkedIn (organization page)",
            (
                CredentialField("access_token", "an OAuth 2.0 access token of a page administrator (scopes w_organization_social r_organization_social)", secret=True),
                CredentialField("organization_id", "the page's organization id: the number in linkedin.com/company/ID/admin"),
                CredentialField("api_version", "the LinkedIn-Version to ask for, YYYYMM (LinkedIn serves each for about a year)", default="202511"),
                CredentialField("refresh_token", "the refresh token that came with the access token (apps approved for programmatic refresh); empty: none", secret=True, default=""),
                CredentialField("client_id", "the LinkedIn app's client id, to renew the access token", default=""),
                CredentialField("client_secret", "the LinkedIn app's client secret", secret=True, default=""),
                CredentialField("token_url", "LinkedIn's OAuth token endpoint", default="https://www.linkedin.com/oauth/v2/accessToken"),
                CredentialField("api_base_url", "the LinkedIn API host", default="https://api.linkedin.com"),
            ),
            _linkedin,
            _linkedin,
        ),
        Platform(
            "pinterest",
            "Pinterest (one board)",
            (
                CredentialField("access_token", "an OAuth 2.0 access token of the business account (scopes boards:read pins:read pins:write)", secret=True),
                CredentialField("board_id", "the board pins go to: its id from GET /v5/boards"),
                CredentialField("refresh_token", "the refresh token that came with the access token; empty: none", secret=True, default=""),
                CredentialField("client_id", "the Pinterest app id, to renew the access token", default=""),
                CredentialField("client_secret", "the Pinterest app secret", secret=True, default=""),
                CredentialField("token_url", "Pinterest's OAuth token endpoint", default="https://api.pinterest.com/v5/oauth/token"),
                CredentialField("api_base_url", "the Pinterest API host", default="https://api.pinterest.com"),
            ),
            _pinterest,
            _pinterest,
        ),
        Platform(
            "x",
            "X (formerly Twitter)",
            (
                CredentialField("access_token", "an OAuth 2.0 user access token (scopes tweet.read tweet.write users.read media.write)", secret=True),
                CredentialField("user_id", "the account's numeric user id; looked up with the token when left empty", default=""),
                CredentialField("refresh_token", "the refresh token that came with the access token (scope offline.access); empty: none", secret=True, default=""),
                CredentialField("client_id", "the X app's OAuth 2.0 client id, to renew the access token", default=""),
                CredentialField("client_secret", "the app's client secret; empty for a public client", secret=True, default=""),
                CredentialField("token_url", "X's OAuth 2.0 token endpoint", default="https://api.x.com/2/oauth2/token"),
                CredentialField("api_base_url", "the X API host", default="https://api.x.com"),
            ),
            _x,
            _x,
        ),
        Platform(
            "export",
            "Export to a Hootsuite bulk-upload CSV",
            (
                CredentialField("directory", "the folder the CSV files and media are written to"),
                CredentialField("lead_minutes", "minutes between release and the row's time (10 or more)", default="60"),
                CredentialField("timezone", "the time zone Hootsuite's uploader uses, e.g. America/Chicago", default="UTC"),
            ),
            _export,
        ),
        Platform(
            "facebook",
            "Facebook Page",
            (
                CredentialField("page_id", "the Page's numeric id (Page > About > Page transparency, or Graph API Explorer: me/accounts)"),
                CredentialField("page_access_token", "a long-lived Page access token with pages_manage_posts, pages_read_engagement, pages_manage_engagement and pages_read_user_content", secret=True),
                CredentialField("graph_base_url", "the Graph API host", default="https://graph.facebook.com"),
            ),
            _facebook,
        ),
        Platform(
            "instagram",
            "Instagram (business or creator account)",
            (
                CredentialField("ig_user_id", "the Instagram account's id (Graph API Explorer: {page-id}?fields=instagram_business_account)"),
                CredentialField("access_token", "a long-lived access token with instagram_basic, instagram_content_publish and instagram_manage_comments", secret=True),
                CredentialField("media_base_url", "the public https address where phigate serves released media, https://<phigate host>/published-media; Instagram downloads photos and videos from it"),
                CredentialField("graph_base_url", "the Graph API host", default="https://graph.facebook.com"),
            ),
            _instagram,
        ),
        Platform(
            "youtube",
            "YouTube",
            (
                CredentialField("client_id", "the OAuth client id of the organization's Google Cloud project (YouTube Data API v3 enabled)"),
                CredentialField("client_secret", "that OAuth client's secret", secret=True),
                CredentialField("refresh_token", "a refresh token the channel owner granted with scope https://www.googleapis.com/auth/youtube.force-ssl", secret=True),
                CredentialField("privacy_status", "public, unlisted or private for new videos", default="public"),
                CredentialField("token_url", "Google's OAuth token endpoint", default="https://oauth2.googleapis.com/token"),
                CredentialField("api_base_url", "the YouTube Data API host", default="https://www.googleapis.com"),
            ),
            _youtube,
        ),
        Platform(
            "google_business",
            "Google Business Profile (review replies)",
            (
                CredentialField("client_id", "the OAuth client id of the organization's Google Cloud project (Business Profile APIs approved)"),
                CredentialField("client_secret", "that OAuth client's secret", secret=True),
                CredentialField("refresh_token", "a refresh token a manager of the profile granted with scope https://www.googleapis.com/auth/business.manage", secret=True),
                CredentialField("account_id", "the Business Profile account's numeric id (accounts/{id})"),
                CredentialField("location_id", "the location's numeric id (locations/{id})"),
                CredentialField("token_url", "Google's OAuth token endpoint", default="https://oauth2.googleapis.com/token"),
                CredentialField("api_base_url", "the My Business API host", default="https://mybusiness.googleapis.com"),
            ),
            _google_business,
        ),
    )
}  # fmt: skip


def connect(
    platform: str, credentials: dict[str, Any], save: SaveCredentials | None = None
) -> Connector:
    """The account's connector. Given `save`, a connector that renews an expired OAuth token calls
    it with the account's new credentials before using them; other platforms ignore it."""
    spec = PLATFORMS.get(platform)
    if spec is None:
        known = ", ".join(sorted(PLATFORMS))
        raise ConnectorError(
            f"phigate has no connector for {platform!r} (it has: {known})", retryable=False
        )
    missing = spec.missing(credentials)
    if missing:
        raise ConnectorError(
            f"the {spec.title} account's stored credentials lack {', '.join(missing)}; "
            "store them again with `phigate publish credentials`",
            retryable=False,
        )
    if save is not None and spec.connect_renewing is not None:
        return spec.connect_renewing(credentials, save)
    return spec.connect(credentials)
