"""Django-free math of the opinion map (the Polis method): vote matrix, PCA, clustering, repness.

Nothing here imports Django, so it runs in a worker, a test or a notebook alike.
"""

from .matrix import VoteMatrix
from .pipeline import OpinionMapResult, compute_opinion_map, opinionmap_json
from .polis_io import PolisExport, PolisExportError, read_polis_export, write_polis_export

__all__ = [
    "OpinionMapResult",
    "PolisExport",
    "PolisExportError",
    "VoteMatrix",
    "compute_opinion_map",
    "opinionmap_json",
    "read_polis_export",
    "write_polis_export",
]
