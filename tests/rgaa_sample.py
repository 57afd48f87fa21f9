"""The audit's sample of pages (docs/audit-rgaa.toml), as the RGAA tests visit them."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))

import audit_rgaa  # noqa: E402

_ADDRESSES = [a for a in audit_rgaa.audit()["echantillon"].values() if a.startswith("/")]
# Each page of the sample but the embeds, once (the embed builder is an indicator page's dialog).
PAGES = list(dict.fromkeys(a for a in _ADDRESSES if not a.startswith("/embed/")))
EMBEDS = [a for a in _ADDRESSES if a.startswith("/embed/")]
