"""Broker options that settings and the tests' worker processes share (no Django import here)."""

from pathlib import Path


def filesystem_transport_options(folder: Path) -> dict:
    """kombu's filesystem transport, a broker that needs no server, kept under ``folder``."""
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
