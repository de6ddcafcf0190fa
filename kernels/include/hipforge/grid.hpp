// hipforge/grid.hpp — which output tile a workgroup computes.
//
// MI300/MI350 dispatch workgroup ids round-robin over 8 XCDs (chiplets), each with its own L2. Two steps turn a
// dispatch id into a tile so that tiles sharing A rows or B columns also share an L2:
//   1. XCD remap: dispatch id i runs on XCD i % 8; renumber so each XCD gets one contiguous range of logical ids.
//   2. Grouped order: logical ids walk GROUP_M tile rows at a time, column by column, so a group's A panel and the
//      B panels it meets stay resident while the group is in flight.
#pragma once
#include "hipforge/device.hpp"

namespace hf {

inline constexpr int kXcds = 8;

// Dispatch id -> logical id, a bijection on [0, total): XCD x receives logical ids
// [x * (total / 8) + min(x, total % 8), ...) in dispatch order.
__device__ inline int xcd_remap(int id, int total) {
    if (total < kXcds) return id;
    int xcd = id % kXcds, local = id / kXcds;
    int per = total / kXcds, extra = total % kXcds;
    int start = xcd * per + (xcd < extra ? xcd : extra);
    return start + local;
}

// Logical id -> (tile row, tile column) in groups of `group_m` tile rows.
__device__ inline void grouped_tile(int logical, int tiles_m, int tiles_n, int group_m, int& tm, int& tn) {
    int per_group = group_m * tiles_n;
    int first_m = (logical / per_group) * group_m;
    int rows = tiles_m - first_m < group_m ? tiles_m - first_m : group_m;
    int in_group = logical % per_group;
    tm = first_m + in_group % rows;
    tn = in_group / rows;
}

// Both steps: the tile of workgroup `id` in a tiles_m x tiles_n grid.
__device__ inline void tile_of_block(int id, int tiles_m, int tiles_n, int group_m, int& tm, int& tn) {
    grouped_tile(xcd_remap(id, tiles_m * tiles_n), tiles_m, tiles_n, group_m, tm, tn);
}

}  // namespace hf
