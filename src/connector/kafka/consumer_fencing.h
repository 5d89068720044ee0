#pragma once
// How often this process's static consumers were fenced lately, per group.instance.id.
//
// Kafka fences a static group member when another consumer joins with the same
// group.instance.id: another instance of the pipeline took over, and restarting would only fence
// it back, in turn, forever. But the broker fences a lone consumer too, now and then, when the
// group coordinator moves (a broker restart) while an offset commit of the consumer's old
// membership is still in flight; a restart, rejoining the group, heals that. The two look the same
// from one consumer; what tells them apart is that a takeover repeats within seconds (each side's
// restart fences the other), where a coordinator move happens once per broker restart.
#include <chrono>
#include <string>

namespace sluice {

// Fencings this many within kFencingWindow mean another instance holds the group.instance.id.
inline constexpr int kFencingsMeaningTakeover = 3;
inline constexpr std::chrono::minutes kFencingWindow{10};

// Records a fencing of `group_instance_id` now and returns how many there were within
// kFencingWindow, this one included. Thread-safe: every source of the process shares the record.
int RecordConsumerFencing(const std::string& group_instance_id);

}  // namespace sluice
