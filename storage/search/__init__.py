"""The search engine behind ``ask`` and ``resources``: pure ranking code over an in-memory index.

:mod:`storage.search.text` turns text into terms, :mod:`storage.search.lexical` ranks with
BM25F, :mod:`storage.search.static` bridges wordings with static word vectors (every
install), :mod:`storage.search.embedding` computes sentence embeddings when the ``[semantic]``
extra is installed, and :mod:`storage.search.engine` puts them together.
"""
