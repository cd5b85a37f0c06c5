#!/usr/bin/env python3
"""Times pyhanko signing the document of `cargo bench -p signing --bench pades -- DIR` with the same key:
PAdES B-B, in process (no interpreter start-up counted), 30 runs after 3 warm-up runs.

Usage: python scripts/bench-pades-pyhanko.py DIR   (pyhanko from PyPI in that Python)"""
import io
import statistics
import sys
import time

from pyhanko.sign import fields, signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

RUNS = 30


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else "target/bench-pades"
    signer = signers.SimpleSigner.load(f"{folder}/key.pem", f"{folder}/cert.pem", ca_chain_files=(f"{folder}/ca.pem",))
    document = open(f"{folder}/document.pdf", "rb").read()
    meta = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)

    def sign_once() -> None:
        out = io.BytesIO()
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(document)), meta, signer=signer, output=out)

    for _ in range(3):
        sign_once()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        sign_once()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"pyhanko PAdES B-B of a {len(document)} byte PDF, {RUNS} runs: median {statistics.median(times):.2f} ms, "
          f"min {times[0]:.2f} ms, max {times[-1]:.2f} ms")


if __name__ == "__main__":
    main()
