"""Who may use which route: one table, enforced on the server for every request, and walked by a
test that tries every route with every role."""

from __future__ import annotations

from phigate.compliance.people import Role

R = Role
EVERYONE = frozenset(Role)

# route name -> roles allowed (any one suffices)
ROUTE_ROLES: dict[str, frozenset[Role]] = {
    "home": EVERYONE,
    "compose": frozenset({R.AUTHOR}),
    "compose_scan": frozenset({R.AUTHOR, R.REVIEWER}),
    "create_post": frozenset({R.AUTHOR}),
    "my_posts": frozenset({R.AUTHOR}),
    "post_detail": frozenset({R.AUTHOR, R.REVIEWER, R.PRIVACY_OFFICER, R.AUDITOR}),
    "submit_post": frozenset({R.AUTHOR}),
    "link_authorization": frozenset({R.AUTHOR}),
    "attach_media": frozenset({R.AUTHOR}),
    "detach_media": frozenset({R.AUTHOR}),
    "redact_media": frozenset({R.AUTHOR}),
    "media_content": frozenset({R.AUTHOR, R.REVIEWER, R.PRIVACY_OFFICER, R.AUDITOR}),
    "review_queue": frozenset({R.REVIEWER}),
    "review_post": frozenset({R.REVIEWER}),
    "schedule_post": frozenset({R.AUTHOR, R.REVIEWER}),
    "privacy_dashboard": frozenset({R.PRIVACY_OFFICER, R.ADMIN}),
    "decide_account": frozenset({R.PRIVACY_OFFICER}),
    "audit_log": frozenset({R.PRIVACY_OFFICER, R.AUDITOR}),
    "incidents": frozenset({R.PRIVACY_OFFICER, R.AUDITOR}),
    "inbox": frozenset({R.AUTHOR, R.REVIEWER}),
    "inbox_drafts": frozenset({R.AUTHOR, R.REVIEWER}),
    "inbox_reply": frozenset({R.AUTHOR}),
    "audit_export": frozenset({R.PRIVACY_OFFICER, R.AUDITOR}),
    "api_scan": EVERYONE,
    "api_posts": EVERYONE,
    "api_create_post": frozenset({R.AUTHOR}),
    "api_post_gate": frozenset({R.AUTHOR, R.REVIEWER, R.PRIVACY_OFFICER, R.AUDITOR}),
    "api_authorizations": frozenset({R.PRIVACY_OFFICER, R.AUDITOR, R.REVIEWER}),
    "api_audit_verify": frozenset({R.PRIVACY_OFFICER, R.AUDITOR}),
    "api_submit_post": frozenset({R.AUTHOR}),
    "api_link_authorizations": frozenset({R.AUTHOR}),
    "api_attach_media": frozenset({R.AUTHOR}),
    "api_post_media": frozenset({R.AUTHOR, R.REVIEWER, R.PRIVACY_OFFICER, R.AUDITOR}),
    "api_review_post": frozenset({R.REVIEWER}),
    "api_schedule_post": frozenset({R.AUTHOR, R.REVIEWER}),
}
# API routes and the token scope each needs.
ROUTE_SCOPES: dict[str, str] = {
    "api_scan": "scan",
    "api_posts": "read",
    "api_create_post": "write",
    "api_post_gate": "read",
    "api_authorizations": "read",
    "api_audit_verify": "read",
    "api_submit_post": "write",
    "api_link_authorizations": "write",
    "api_attach_media": "write",
    "api_post_media": "read",
    "api_review_post": "review",
    "api_schedule_post": "write",
}
PUBLIC_ROUTES = frozenset(
    {
        "login_page",
        "login",
        "logout",
        "static",
        "health",
        "sso_start",
        "sso_callback",
        "published_media",
    }
)


def allowed(route: str, roles: frozenset[Role]) -> bool:
    return bool(ROUTE_ROLES.get(route, frozenset()) & roles)
