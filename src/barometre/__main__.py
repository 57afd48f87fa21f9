"""Allow ``python -m barometre``."""

from barometre.cli import main

main()
