"""Engagement: comments, mentions and reviews coming in, and replies that never confirm a patient."""
