"""Django-free text core of the search app: segmentation, similar proposals, routing suggestions, keywords, evaluation.

Names are loaded on first use so that importing the segmenter does not pull in scikit-learn.
"""

from importlib import import_module

_EXPORTS = {
    "Segmenter": "segment",
    "UserWord": "segment",
    "default_segmenter": "segment",
    "load_stopwords": "segment",
    "load_user_dictionary": "segment",
    "to_index_text": "segment",
    "to_query_terms": "segment",
    "SimilarityIndex": "similarity",
    "shared_passages": "similarity",
    "KeywordRouter": "routing",
    "RoutingModel": "routing",
    "top_terms": "keywords",
    "EvaluationDataError": "evaluation",
    "evaluate_routing": "evaluation",
    "evaluate_similarity": "evaluation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
