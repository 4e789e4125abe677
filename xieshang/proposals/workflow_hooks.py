"""Moved: relations are read in selectors.py, roles and conditions are in roles.py, transition effects in hooks.py.
Kept only as an import path for the demo builders (proposals/demo.py), until they move to xieshang/demo."""

from .selectors import is_signer, officer_unit_ids, signers

__all__ = ["is_signer", "officer_unit_ids", "signers"]
