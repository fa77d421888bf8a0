"""Textual only: screens, modal dialogs, reusable widgets and .tcss styles. Screens call
corptui use cases; they never build queries themselves."""
