"""The web application: pages for authors, reviewers and the privacy officer, and the REST API."""
