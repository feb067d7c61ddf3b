#!/usr/bin/env python3
"""Generates the code tables mappings/tables/v2-NNNN*.json (docs/mapping.md MAP-6)
from the vocabulary maps of the HL7 v2-to-FHIR Implementation Guide.

Input: the IG's ConceptMap spreadsheets as CSV ("HL7 Concept Map_ <Name> - Sheet1.csv"),
kept in ../shared/corpus/hl7-v2-to-fhir-ig/mappings/codesystems/ (HL7/v2-to-fhir,
Apache-2.0; see that corpus's README.md). Each CSV has two header rows; the second
names the columns: v2 Code, Text, Code System (HL70001), three condition columns,
FHIR Code, (sometimes an unnamed display column), Display, Code System URI.

Rules: a row without a v2 code or without a FHIR code is left out (the engine then
keeps the input code with the v2 system, MAP-6.3); a row with a condition is left
out too (a table cannot express it) and listed on stderr. The target_system of a
table is the FHIR system of its first mapped row (the IG lists the principal
target first); rows with another system carry it in their entry.

Usage: python3 tools/gen_code_tables.py [--corpus DIR] [--out DIR] [--check]
  --check  write nothing; exit 1 if a table on disk differs from what would be written
"""
import argparse
import collections
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "hl7-v2-to-fhir-ig", "mappings", "codesystems")
DEFAULT_OUT = os.path.join(ROOT, "mappings", "tables")
IG = "HL7/v2-to-fhir @8c9b414 (Apache-2.0)"

# output name -> (IG ConceptMap name, what the table is for)
TABLES = [
    ("v2-0001", "AdministrativeSex", "PID-8 administrative sex -> Patient.gender"),
    ("v2-0002", "MaritalStatus", "PID-16 marital status -> Patient.maritalStatus"),
    ("v2-0004", "PatientClass[EncounterClass]", "PV1-2 patient class -> Encounter.class"),
    ("v2-0004-encounter-status", "PatientClass[EncounterStatus]", "PV1-2 patient class -> Encounter.status"),
    ("v2-0007", "AdmissionType", "PV1-4 admission type -> Encounter.type"),
    ("v2-0038", "OrderStatus", "ORC-5 order status -> ServiceRequest.status"),
    ("v2-0063", "Relationship", "NK1-3 / IN1-17 relationship -> RelatedPerson.relationship"),
    ("v2-0078", "InterpretationCodes", "OBX-8 abnormal flags -> Observation.interpretation"),
    ("v2-0085", "ObservationResultStatusCodesInterpretation", "OBX-11 result status -> Observation.status"),
    ("v2-0119", "OrderControlCode[ServiceRequest.status]", "ORC-1 order control -> ServiceRequest.status"),
    ("v2-0123", "ResultStatus[Non-Queries]", "OBR-25 result status -> DiagnosticReport.status"),
    ("v2-0190", "AddressType[Use]", "XAD-7 address type -> Address.use"),
    ("v2-0190-address-type", "AddressType[Type]", "XAD-7 address type -> Address.type"),
    ("v2-0200", "NameType", "XPN-7 name type -> HumanName.use"),
    ("v2-0201", "TelecommunicationUseCode", "XTN-2 telecom use -> ContactPoint.use"),
    ("v2-0202", "TelecommunicationEquipmentType", "XTN-3 telecom equipment -> ContactPoint.system"),
    ("v2-0203", "IdentifierType", "CX-5 identifier type -> Identifier.type"),
]


def csv_path(corpus, concept_map):
    return os.path.join(corpus, "HL7 Concept Map_ %s - Sheet1.csv" % concept_map)


def column_indexes(names):
    """Positions of the columns we read, from the second header row."""
    code_cols = [i for i, n in enumerate(names) if n.strip() == "Code"]
    system_cols = [i for i, n in enumerate(names) if n.strip() == "Code System"]
    display_cols = [i for i, n in enumerate(names) if n.strip() == "Display"]
    if len(code_cols) != 2 or len(system_cols) != 2 or len(display_cols) != 1:
        raise ValueError("unexpected header row: %r" % names)
    fhir_code = code_cols[1]
    conditions = [i for i in range(system_cols[0] + 1, fhir_code)]
    return {
        "v2_code": code_cols[0],
        "v2_system": system_cols[0],
        "conditions": conditions,
        "fhir_code": fhir_code,
        # Some sheets put the display in the unnamed column right after the FHIR code.
        "alt_display": fhir_code + 1 if fhir_code + 1 < display_cols[0] else None,
        "display": display_cols[0],
        "fhir_system": system_cols[1],
    }


def cell(row, i):
    return row[i].strip() if i is not None and i < len(row) else ""


def read_concept_map(path, name):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    cols = column_indexes(rows[1])
    entries = collections.OrderedDict()
    v2_systems = collections.Counter()
    skipped = []
    for row in rows[2:]:
        code, fhir_code = cell(row, cols["v2_code"]), cell(row, cols["fhir_code"])
        if not code or not fhir_code:
            continue
        if any(cell(row, i) for i in cols["conditions"]):
            skipped.append(code)
            continue
        display = cell(row, cols["display"]) or cell(row, cols["alt_display"])
        entry = (fhir_code, display, cell(row, cols["fhir_system"]))
        if code in entries and entries[code] != entry:
            raise ValueError("%s: code %r mapped twice" % (name, code))
        entries[code] = entry
        v2_systems[cell(row, cols["v2_system"])] += 1
    if skipped:
        print("%s: left out conditional rows for %s" % (name, ", ".join(skipped)), file=sys.stderr)
    if len(v2_systems) != 1:
        raise ValueError("%s: expected one v2 code system, found %r" % (name, dict(v2_systems)))
    v2_system = next(iter(v2_systems))
    if not (v2_system.startswith("HL7") and v2_system[3:].isdigit()):
        raise ValueError("%s: unexpected v2 code system %r" % (name, v2_system))
    return v2_system[3:], entries


def render(out_name, concept_map, purpose, table_number, entries):
    target = next(iter(entries.values()))[2]
    lines = ["{"]
    lines.append('  "$comment": %s,' % json.dumps(
        "Generated by tools/gen_code_tables.py from the HL7 v2-to-FHIR IG ConceptMap %s "
        "(%s); do not edit, regenerate." % (concept_map, IG), ensure_ascii=False))
    lines.append('  "description": %s,' % json.dumps(
        "HL7 v2 table %s: %s" % (table_number, purpose), ensure_ascii=False))
    lines.append('  "source_system": %s,' % json.dumps(
        "http://terminology.hl7.org/CodeSystem/v2-%s" % table_number))
    lines.append('  "target_system": %s,' % json.dumps(target))
    lines.append('  "map": {')
    items = []
    for code, (fhir_code, display, system) in entries.items():
        value = collections.OrderedDict([("code", fhir_code)])
        if display:
            value["display"] = display
        if system and system != target:
            value["system"] = system
        rendered = json.dumps(value, ensure_ascii=False) if len(value) > 1 else json.dumps(fhir_code)
        items.append("    %s: %s" % (json.dumps(code, ensure_ascii=False), rendered))
    lines.append(",\n".join(items))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="folder of the IG's ConceptMap CSVs")
    parser.add_argument("--out", default=DEFAULT_OUT, help="folder of the generated tables")
    parser.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    args = parser.parse_args()

    stale = []
    for out_name, concept_map, purpose in TABLES:
        table_number, entries = read_concept_map(csv_path(args.corpus, concept_map), concept_map)
        text = render(out_name, concept_map, purpose, table_number, entries)
        path = os.path.join(args.out, out_name + ".json")
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
            continue
        os.makedirs(args.out, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print("%s: %d codes" % (path, len(entries)))
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
