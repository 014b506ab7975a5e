"""One module per command (``check``, ``history``, ``ledger``, ``init``, ``report``, ``compare``, ``graph``,
``remove``, ``rules``; ``scan`` is :func:`flagaudit.scan.project.scan`): each composes the stages into the data
one :mod:`flagaudit.api` call returns. Nothing here prints or picks a renderer."""
