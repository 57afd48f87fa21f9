"""The published data: the one place where statistical secrecy is applied.

Every way out (pages, embeds, API JSON and CSV, downloads, the data package, DCAT) reads
breakdowns through ``published``, which reads the fixed grid of closed months (``grid``) masked
by the rule of ``secrecy``.
"""
