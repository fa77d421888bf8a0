"""The writers of a document's forms: ``pdf``, ``xlsx``, ``csv`` and ``text`` (the app's
preview), each drawing the blocks of ``corptui.documents.model`` on the shared writers
of ``corptui.writers``. ``cells`` formats a form's values for a language."""
