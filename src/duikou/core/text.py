"""Text normalisation shared by the resolver, the importer and search."""

import re
from functools import lru_cache

_WIDTH = str.maketrans("（）【】［］〔〕：，；　“”‘’「」", '()[][][]:,; ""\'\'""')


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text) if text else text


def normalize_name(text: str) -> str:
    """Simplified characters, folded brackets and quotes, no spaces: the key names are compared by."""
    text = to_simplified(text or "")
    return re.sub(r"\s+", "", text.translate(_WIDTH))
