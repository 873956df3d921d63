"""Per-request records in Parquet: streamed in chunks while a replication runs, merged into issues.parquet.

The columns and their types are the recorder's (``sim.observe.recorder.RECORDS``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.observe.recorder import RECORDS

RECORD_SCHEMA = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in RECORDS])


class ParquetSink:
    """Receives chunks of request records and appends them to one Parquet file."""

    def __init__(self, path: Path):
        self.path = path
        self.writer = pq.ParquetWriter(str(path), RECORD_SCHEMA)

    def __call__(self, rows: list[tuple]) -> None:
        columns = list(zip(*rows))
        arrays = [pa.array(col, type=field.type) for col, field in zip(columns, RECORD_SCHEMA)]
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=RECORD_SCHEMA))

    def close(self) -> None:
        self.writer.close()


def merge_parquet(parts: list[Path], target: Path) -> None:
    """Concatenate per-replication record files, one row group at a time, into a temporary file renamed to
    ``target`` once whole (a crash or a full disk leaves the old file or none, never half of one)."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with pq.ParquetWriter(str(temporary), RECORD_SCHEMA) as writer:
            for part in parts:
                reader = pq.ParquetFile(str(part))
                for group in range(reader.num_row_groups):
                    writer.write_table(reader.read_row_group(group))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
