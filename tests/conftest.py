"""Shared fixtures: the GPU marker is skipped without CUDA."""

import pytest


def pytest_collection_modifyitems(config, items):
    if any("gpu" in item.keywords for item in items):
        try:
            import torch

            has_cuda = torch.cuda.is_available()
        except Exception:  # torch missing or broken
            has_cuda = False
        if not has_cuda:
            skip = pytest.mark.skip(reason="needs a CUDA device (none present)")
            for item in items:
                if "gpu" in item.keywords:
                    item.add_marker(skip)
