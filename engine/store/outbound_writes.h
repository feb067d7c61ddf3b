// The writes on outbound items, run by the store's writer inside its group
// commit (write_txn.h): inserting a message's items, recording delivery
// outcomes, replaying items as new pending copies, and retention pruning.
// Rules: docs/specs/delivery.md (DLV-*) and docs/specs/retention.md (RET-*).
//
// Thread-safety: the writer thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/result.h"
#include "engine/store/body_codec.h"
#include "engine/store/outbound.h"
#include "engine/store/write_txn.h"

namespace lienthong::store {

// Inserts `records` for message `message_id` (its type, created at `now_us`), each
// with its body as `bodies` holds it (same order, encoded by the caller), and
// returns them as items with their ids; the plain bodies are moved out of `records`.
Result<std::vector<OutboundItem>> insert_outbound(WriteTxn& txn, std::int64_t message_id,
                                                  const std::string& message_type, const std::string& control_id,
                                                  std::int64_t now_us, std::vector<OutboundRecord>& records,
                                                  const std::vector<StoredBody>& bodies);

Status apply_updates(WriteTxn& txn, const std::vector<ItemUpdate>& updates, std::int64_t now_us);

// The new items' ids, in order.
Result<std::vector<std::int64_t>> apply_replay(WriteTxn& txn, const ReplayRequest& request, std::int64_t now_us);

Result<PruneResult> apply_prune(WriteTxn& txn, const PruneRequest& request);

Status apply_status(WriteTxn& txn, const std::vector<DeliveryStatus>& status);

}  // namespace lienthong::store
