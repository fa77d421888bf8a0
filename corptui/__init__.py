"""corptui: a keyboard-driven terminal console for a corporate mobile-telecom account."""

__version__ = "0.1.0"
