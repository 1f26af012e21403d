"""phigate: the self-hosted gate that keeps patient information out of social media posts."""

__version__ = "0.1.0"
