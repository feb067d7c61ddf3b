// Fact comparison of two FHIR R4 documents (test-only; library lienthong_fhir_facts).
//
// Two Bundles made from the same HL7 v2 message by different converters differ in ids,
// element order, optional elements and time zones. This library reduces a Bundle to the
// facts a receiver relies on and compares those, so "does our Bundle say what the oracle's
// says?" has a number: matched expected facts / expected facts.
//
// What is a fact (the rules; tests in fhir_facts_test.cc cite them as FACT-n)
//
// FACT-1 Where. Every entry[].resource of a Bundle (or the document itself when it is not
//   a Bundle) is walked generically, recursively. Each fact belongs to the resource type of
//   the entry it is found in. The Bundle itself contributes `Bundle identifier` and
//   `Bundle timestamp`. Never walked: `id` (at any depth), `resourceType`, the resource's
//   `meta`, its narrative `text`, `contained`, and the entry's `fullUrl`, `request`,
//   `response`, `search` (ids, transport and generation details; Bundle.type is not a fact
//   either: the oracle writes `batch`, we write `transaction`).
// FACT-2 Label. A fact is "<ResourceType> <label> <value>". The label is the JSON path of
//   the element inside the resource with array positions dropped (`name.family`,
//   `contact.telecom`, `component.code`); a CodeableConcept's `.coding` is dropped too
//   (`code`, not `code.coding`); an extension is named by the last segment of its url,
//   `extension(us-core-race).extension(ombCategory).valueCoding`.
// FACT-3 Identifier: an element named `identifier` or `...Identifier` that has a `value`
//   gives "system|value" (system empty when absent). Its other parts (type, period,
//   assigner) are walked on as usual.
// FACT-4 Codes: every Coding that has a `code` gives "system|code" — the codings of a
//   CodeableConcept (an object with a `coding` array) and any other object whose `code` is
//   a string (valueCoding, eventCoding, Encounter.class, ...). `display`, `text`,
//   `version` are not facts.
// FACT-5 Quantity: an object whose `value` is a JSON number and whose other members are
//   only unit, code, system, comparator, currency (Quantity, SimpleQuantity, Duration,
//   Age, Money) gives "<number> <code, else unit, else currency>", the number in its
//   shortest round-trip form (13.20 and 13.2 are the same fact).
// FACT-6 Dates: any other string that is a valid FHIR date, dateTime or instant with at
//   least year and month (a year alone only under a key that ends in Date/DateTime/date or
//   is start, end, recorded, issued, timestamp) is a date fact. Its value is printed as the
//   UTC instant when it has an offset ("2024-01-31T14:20:05+07:00" -> "2024-01-31T07:20:05Z"),
//   else as written; fractional seconds keep their digits (trailing zeros dropped).
//   Two date facts match (FACT-9):
//   a. both have an offset: the same instant (at the precision they have);
//   b. either has none (a date against a dateTime): the wall-clock text without offset,
//      compared at the shorter precision of the two (2024-01-31 ~ 2024-01-31T23:30:00+07:00);
//   c. the expected value carries the oracle's host offset (CompareOptions, +05:30) and the
//      wall clocks are equal: the source had no offset and each converter stamped its own
//      zone (docs/mapping-differences.md).
// FACT-7 Names and plain codes: `family` and each item of `given` (HumanName), a `name`
//   that is a string (Organization, Location, Device.deviceName...), and `gender` and
//   `status` at any depth. Strings are compared after trimming; empty ones are no fact.
// FACT-8 References: an object with a string `reference` gives "-> <target>", where the
//   target is resolved inside the Bundle — `urn:uuid:...` and absolute URLs through the
//   entries' fullUrl, `Type/id` through resourceType + id (or a fullUrl ending in it),
//   `Bundle/<id>` to the Bundle itself — and represented by its type and identifying
//   facts, never its id: its identifiers' values; if it has none, its names; if none, its
//   `code` codings; if none, the target of its first reference (a PractitionerRole that
//   only names its practitioner: "-> PractitionerRole practitioner -> Practitioner
//   identifier ..."). It prints as "-> Patient identifier urn:oid:1.2|12345" (the first
//   one). A target not in the Bundle prints "-> Account (not in the Bundle)"; a `#local`
//   one "-> (contained)".
// FACT-9 Matching. Per resource type and label, facts are a multiset. Text facts match by
//   equal value. Date facts match by FACT-6. Reference facts match when the target types
//   are equal and either both are unresolved, or their identifying keys intersect (one
//   shared identifier value — so an identifier system chosen differently by the two
//   converters costs the identifier fact, not every reference to the resource), or
//   neither target has any. Exact-text matches are taken first, then the rest greedily in
//   document order.
// FACT-10 The message. A Provenance `target` that resolves to the Bundle itself (the oracle
//   writes `Bundle/<id>`) matches a Provenance `target` that resolves to the MessageHeader
//   (ours: a transaction's Bundle is not stored, docs/mapping-differences.md D7).
// FACT-11 Coding-system names. A text fact "system|value" whose system is the oracle's
//   invented `http://example.com/v2-to-fhir-converter/{CodeSystem,Identifier}/<NAME>` also
//   matches "<URI>|value" when HL7 publishes URI for the v2 coding-system name NAME
//   (CVX, MVX, CDCREC, HL7nnnn -> http://terminology.hl7.org/CodeSystem/v2-nnnn;
//   docs/mapping-differences.md D8). Tried after exact matches.
//
// Not facts (on purpose, for now): free text (display, text, note, valueString, comment),
// telecom and address parts, extensions' urls by themselves, numbers outside quantities
// (rank, sequence), booleans, narrative.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lienthong::facts {

enum class FactKind { Text, Date, Reference };

// A FHIR date / dateTime / instant, split for FACT-6.
struct DateValue {
  std::string local;        // wall clock without offset, "2024-01-31T14:20:05.4" (fraction trimmed)
  std::string utc;          // with an offset: the UTC instant, "2024-01-31T07:20:05.4Z"; else empty
  std::string offset;       // as written: "+07:00", "Z", or empty
  bool has_offset = false;
};

// Parses a FHIR date/dateTime/instant (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.f]][Z|+hh:mm]).
// Empty when the text is not one or names an impossible date or time.
std::optional<DateValue> parse_fhir_date(std::string_view text);

// FACT-6 a-c. `oracle_offset` is the offset the oracle stamps on times that had none
// ("" to turn rule c off).
bool dates_match(const DateValue& expected, const DateValue& actual, std::string_view oracle_offset);

// The shortest text that reads back as the same double: 13.20 -> "13.2", 120.0 -> "120".
std::string normalize_number(double value);

struct Fact {
  std::string resource_type;
  std::string label;
  FactKind kind = FactKind::Text;
  std::string value;                      // printed value (normalized)
  DateValue date;                         // kind == Date
  std::string target_type;                // kind == Reference
  bool target_resolved = false;           // kind == Reference
  std::vector<std::string> target_keys;   // kind == Reference: identifying keys of the target

  // "<ResourceType> <label> <value>"
  std::string text() const;
};

struct Facts {
  std::vector<Fact> facts;  // in document order
  std::string error;        // non-empty when the document is not JSON or not an object

  // The multiset of fact texts per resource type (each list sorted).
  std::map<std::string, std::vector<std::string>> by_type() const;
};

// Reads a FHIR JSON document (a UTF-8 BOM is skipped) and lists its facts.
Facts extract_facts(std::string_view json);

struct CompareOptions {
  // The offset the oracle's host stamps on times that have none (FACT-6 c).
  std::string oracle_offset = "+05:30";
};

struct TypeResult {
  std::size_t expected = 0;
  std::size_t matched = 0;
  std::vector<std::string> missing;  // expected facts with no match in actual
  std::vector<std::string> extra;    // actual facts with no match in expected
};

struct Comparison {
  std::map<std::string, TypeResult> by_type;  // every type present on either side
  std::size_t expected = 0;
  std::size_t matched = 0;
  // matched / expected; 1 when nothing was expected.
  double ratio() const;
};

Comparison compare(const Facts& expected, const Facts& actual, const CompareOptions& options = {});

}  // namespace lienthong::facts
