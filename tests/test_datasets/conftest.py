import pytest
from datasets_testutils import make_cub


@pytest.fixture
def cub_root(tmp_path):
    return make_cub(tmp_path / 'CUB_200_2011')
