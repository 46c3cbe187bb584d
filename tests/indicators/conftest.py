import pytest


@pytest.fixture(autouse=True)
def catalogue(db):
    """The shipped catalogue (a data migration); loaded again where a transactional test flushed it away."""
    from duikou.indicators.services import catalogue, load_catalogue

    load_catalogue()
    return {i.code: i for i in catalogue(2023)}
