-- One row per ICB, threshold indicator and month-end of the latest QOF year: the member
-- practices' projected year-end counts, points and pounds summed, rates recomputed from
-- the summed counts (docs/projection.md).

{{ network_projection_rollup('icb') }}
