"""The default templates of refpub (shipped as package data; a project overrides them by file name)."""
