// The answer to an HL7 v2 batch (docs/specs/ack.md ACK-7): the original's
// envelope mirrored around one ACK per message, in the original's order.
//
// For each batch of the original, its BHS becomes a BHS whose sending and
// receiving application/facility are swapped (BHS-3/4 <-> BHS-5/6), with the
// answer's time (BHS-7), control id (BHS-11) and the original's BHS-11 as the
// reference (BHS-12); then that batch's ACKs; then BTS-1 = their count. An FHS
// is mirrored the same way (FHS-12 = the original's FHS-11) and closed by an
// FTS counting the batches. Envelope fields are copied as they were written
// (escaped with the original's delimiters; never decoded), and segments end
// with CR. A batch the original wrote without BHS (messages outside any batch
// of a file) gets none either.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/hl7v2/batch.h"

namespace lienthong::hl7v2 {

// `acks`: one per message of `original`, in order (original.message_count()
// of them; each a whole ACK message, CR-terminated or not). `time`: an HL7 TS
// ("20241105083012+0700"); `control_id`: this answer's BHS-11/FHS-11.
std::string build_batch_ack(const BatchFile& original, const std::vector<std::string>& acks, std::string_view time,
                            std::string_view control_id);

}  // namespace lienthong::hl7v2
