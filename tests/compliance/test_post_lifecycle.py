import pytest

from phigate.compliance.posts import PostState, TransitionError
from tests.compliance.factories import NOW, approved_post


def test_edit_after_approval_returns_to_review_and_drops_the_approval() -> None:
    post = approved_post()
    edited = post.edit("A different caption", (), "p-author", NOW)
    assert edited.state is PostState.IN_REVIEW and edited.approval is None
    assert edited.history[-1][0] is PostState.IN_REVIEW


def test_an_edit_that_changes_nothing_keeps_the_approval() -> None:
    post = approved_post()
    assert post.edit(post.text, post.media_hashes, "p-author", NOW) is post


def test_media_change_counts_as_an_edit() -> None:
    post = approved_post()
    assert post.edit(post.text, ("sha-of-new-photo",), "p-author", NOW).state is PostState.IN_REVIEW


def test_illegal_transitions_say_why() -> None:
    published = approved_post().move(PostState.PUBLISHED, "system", NOW)
    with pytest.raises(TransitionError, match="published cannot become approved"):
        published.move(PostState.APPROVED, "p-reviewer", NOW)
    with pytest.raises(TransitionError, match="cannot be edited"):
        published.edit("new", (), "p-author", NOW)
