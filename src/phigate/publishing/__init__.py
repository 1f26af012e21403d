"""Publishing approved posts to the organization's accounts, exactly once, and taking them down."""
